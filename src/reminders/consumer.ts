import { z } from "@hono/zod-openapi";
import { type AuditEvent, auditEvent, writeAuditEvents } from "../audit/record";
import type { Config } from "../base/config";
import { errorKind } from "../base/errors";
import { nowSeconds } from "../time/iso";
import { joinKeyFor, signJoinKey } from "../video/join-links";
import { type ComposeSettings, composeMessage, composeSettings } from "./compose";
import { type ClaimedMessage, claimRowsForSending, findRowStates, loadClaimedMessages } from "./ledger-claims";
import { type RowOutcome, recordOutcome, recordRetriesExhausted } from "./ledger-outcomes";
import { retryDelaySeconds } from "./retry-delay";
import { sendDecision } from "./send-decision";
import { type Deliver, deliveryFor } from "./senders";

export const REMINDERS_QUEUE = "telehealth-reminders";
export const REMINDERS_DEAD_LETTER_QUEUE = "telehealth-reminders-dlq";

const messageBodySchema = z.object({ reminderId: z.number().int().positive() });
/** The longest delay a queue retry accepts. */
const MAX_QUEUE_DELAY_SECONDS = 12 * 60 * 60;

/** The Worker's queue handler: sends reminders, or records the ones that ran out of retries. */
export function handleReminderQueue(batch: MessageBatch<unknown>, db: D1Database, config: Config, now = nowSeconds()): Promise<void> {
  return batch.queue === REMINDERS_DEAD_LETTER_QUEUE ? recordDeadLetters(batch, db, now) : sendReminderBatch(batch, db, config, now);
}

type Tally = Record<"sent" | "skipped" | "failed" | "retry" | "duplicate", number>;

/**
 * Sends one batch: claims its rows atomically (a row claimed elsewhere is not sent again),
 * re-checks each against the appointment and recipient as they are now, sends it, and records
 * the outcome before acknowledging. Retryable failures go back to the queue with backoff; the
 * queue moves a message to the dead-letter queue after its last retry.
 */
export async function sendReminderBatch(batch: MessageBatch<unknown>, db: D1Database, config: Config, now: number): Promise<void> {
  const tally: Tally = { sent: 0, skipped: 0, failed: 0, retry: 0, duplicate: 0 };
  const messagesByRow = new Map<number, Message<unknown>[]>();
  for (const message of batch.messages) {
    const parsed = messageBodySchema.safeParse(message.body);
    if (!parsed.success) {
      console.error(JSON.stringify({ event: "reminder_message_unreadable", message_id: message.id }));
      message.ack();
      continue;
    }
    messagesByRow.set(parsed.data.reminderId, [...(messagesByRow.get(parsed.data.reminderId) ?? []), message]);
  }
  const ids = [...messagesByRow.keys()];
  if (ids.length === 0) return;

  const claimed = new Set(await claimRowsForSending(db, ids, now));
  const unclaimed = ids.filter((id) => !claimed.has(id));
  if (unclaimed.length > 0) tally.duplicate += await settleUnclaimed(db, unclaimed, messagesByRow, now);
  if (claimed.size === 0) return logBatch(tally);

  const context = {
    offsets: config.reminderOffsets,
    settings: composeSettings(config),
    deliver: deliveryFor(config, db),
    linkSecret: config.sessionLinkSecret,
  };
  const rows = new Map((await loadClaimedMessages(db, [...claimed])).map((row) => [row.id, row]));
  await Promise.all(
    [...claimed].map(async (id) => {
      const [message, ...duplicates] = messagesByRow.get(id) ?? [];
      for (const duplicate of duplicates) duplicate.ack();
      tally.duplicate += duplicates.length;
      if (!message) return;
      const row = rows.get(id);
      try {
        // A row whose appointment or recipient no longer exists has nothing left to send.
        const outcome = row
          ? await sendClaimed(row, context, message.attempts, now)
          : ({ status: "skipped", reason: "appointment_not_found" } as const);
        await Promise.all([recordOutcome(db, id, outcome, now), writeAuditEvents(db, reminderAudit(row, outcome, now))]);
        settle(message, outcome, now);
        tally[outcome.status]++;
        if (outcome.status === "failed" || outcome.status === "retry") {
          console.error(
            JSON.stringify({ event: `reminder_send_${outcome.status}`, reminder_id: id, attempt: message.attempts, error: outcome.error }),
          );
        }
      } catch (err) {
        // Our own failure (D1, a bug): the row stays claimed until its lease ends, then the sweeper or the retry takes it.
        console.error(JSON.stringify({ event: "reminder_send_error", reminder_id: id, kind: errorKind(err) }));
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
        tally.retry++;
      }
    }),
  );
  logBatch(tally);
}

type SendContext = { offsets: readonly number[]; settings: ComposeSettings; deliver: Deliver; linkSecret: string };

/** Decides, composes and sends one claimed row; never throws for a provider's failure. */
async function sendClaimed(
  row: ClaimedMessage,
  { offsets, settings, deliver, linkSecret }: SendContext,
  attempt: number,
  now: number,
): Promise<RowOutcome> {
  const decision = sendDecision(row, offsets, now);
  if (decision.action === "skip") return { status: "skipped", reason: decision.reason };
  if (decision.action === "wait") return { status: "retry", error: "not_due_yet", retryAt: decision.at };
  const result = await deliver(composeMessage(row, settings, now, await recipientJoinKey(row, linkSecret)), row.id, now);
  if (result.ok) return { status: "sent", providerMessageId: result.providerMessageId };
  if ("skipped" in result) return { status: "skipped", reason: result.skipped };
  if (result.verdict === "permanent") return { status: "failed", error: result.error };
  return { status: "retry", error: result.error, retryAt: now + retryDelaySeconds(attempt) };
}

/** The recipient's join key, for every message that links to the session (a cancellation opens nothing). */
async function recipientJoinKey(row: ClaimedMessage, secret: string): Promise<string | undefined> {
  if (row.kind === "cancelled" || !row.video_room_id || !secret) return undefined;
  const session = { appointmentId: row.appointment_id, startsAt: row.starts_at, durationMinutes: row.duration_minutes };
  return signJoinKey(joinKeyFor(session, row.recipient_id), secret);
}

function settle(message: Message<unknown>, outcome: RowOutcome, now: number): void {
  if (outcome.status === "retry") message.retry({ delaySeconds: Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(1, outcome.retryAt - now)) });
  else message.ack();
}

/**
 * Messages whose rows were not ours to claim: done rows are acknowledged (a duplicate delivery);
 * a row another consumer holds is looked at again once that lease ends, in case it crashed.
 */
async function settleUnclaimed(
  db: D1Database,
  ids: number[],
  messagesByRow: Map<number, Message<unknown>[]>,
  now: number,
): Promise<number> {
  const states = new Map((await findRowStates(db, ids)).map((row) => [row.id, row]));
  let duplicates = 0;
  for (const id of ids) {
    const state = states.get(id);
    for (const message of messagesByRow.get(id) ?? []) {
      if (state?.status === "sending" && state.lease_until > now) {
        message.retry({ delaySeconds: state.lease_until - now + 1 });
      } else {
        message.ack();
        duplicates++;
      }
    }
  }
  return duplicates;
}

/** The dead-letter queue's consumer: rows whose message ran out of retries are failed. */
async function recordDeadLetters(batch: MessageBatch<unknown>, db: D1Database, now: number): Promise<void> {
  const ids = batch.messages.flatMap((message) => {
    const parsed = messageBodySchema.safeParse(message.body);
    return parsed.success ? [parsed.data.reminderId] : [];
  });
  const failed = ids.length > 0 ? await recordRetriesExhausted(db, ids, now) : 0;
  console.error(JSON.stringify({ event: "reminder_retries_exhausted", messages: batch.messages.length, rows_failed: failed }));
  batch.ackAll();
}

/**
 * A final outcome in the audit trail, about the recipient: the skip's reason code; a failure's
 * error stays in the ledger, since a provider's text is not ours to vouch for. A retry is not final.
 */
function reminderAudit(row: ClaimedMessage | undefined, outcome: RowOutcome, now: number): AuditEvent[] {
  if (outcome.status === "retry") return [];
  const about = { appointmentId: row?.appointment_id, subjectUserId: row?.recipient_id };
  const code = outcome.status === "skipped" ? outcome.reason : "ok";
  return [auditEvent(`reminder.${outcome.status}`, "system", { ...about, outcome: code }, now)];
}

function logBatch(tally: Tally): void {
  console.log(JSON.stringify({ event: "reminder_batch", ...tally }));
}
