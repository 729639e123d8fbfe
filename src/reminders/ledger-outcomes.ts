import { idsParam, inIds } from "./ledger";

// What became of a claimed row: its send outcome, the dead-letter verdict, and later delivery reports.

/** The outcome of one claimed row. Each write requires the claim still to be ours (`sending`). */
export type RowOutcome =
  | { status: "sent"; providerMessageId: string }
  | { status: "skipped"; reason: string }
  | { status: "failed"; error: string }
  | { status: "retry"; error: string; retryAt: number };

/** Tries per outcome write; see `recordOutcome`. */
const OUTCOME_WRITE_TRIES = 3;

/**
 * Records a claimed row's outcome, trying the write again on a D1 error: those are mostly
 * passing, and a send the provider accepted but the ledger never heard of would be sent again
 * once the claim's lease ran out. Each try is the same conditional UPDATE, so a try that did
 * commit before its answer was lost makes the next one change nothing.
 */
export async function recordOutcome(db: D1Database, id: number, outcome: RowOutcome, now: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await outcomeStatement(db, id, outcome, now).run();
      return;
    } catch (err) {
      if (attempt >= OUTCOME_WRITE_TRIES) throw err;
    }
  }
}

function outcomeStatement(db: D1Database, id: number, outcome: RowOutcome, now: number): D1PreparedStatement {
  switch (outcome.status) {
    case "sent":
      return db
        .prepare(
          `UPDATE reminders SET status = 'sent', provider_message_id = ?2, sent_at = ?3, lease_until = 0, last_error = NULL, updated_at = ?3 WHERE id = ?1 AND status = 'sending'`,
        )
        .bind(id, outcome.providerMessageId, now);
    case "skipped":
      return db
        .prepare(
          `UPDATE reminders SET status = 'skipped', skip_reason = ?2, lease_until = 0, updated_at = ?3 WHERE id = ?1 AND status = 'sending'`,
        )
        .bind(id, outcome.reason, now);
    case "failed":
      return db
        .prepare(
          `UPDATE reminders SET status = 'failed', last_error = ?2, lease_until = 0, updated_at = ?3 WHERE id = ?1 AND status = 'sending'`,
        )
        .bind(id, outcome.error, now);
    case "retry":
      // Back to pending, queued as of the retry: the cron leaves it to the queue's retry meanwhile.
      return db
        .prepare(
          `UPDATE reminders SET status = 'pending', last_error = ?2, queued_at = ?3, lease_until = 0, updated_at = ?4 WHERE id = ?1 AND status = 'sending'`,
        )
        .bind(id, outcome.error, outcome.retryAt, now);
  }
}

/**
 * Rows whose messages ran out of retries (the dead-letter queue): failed, keeping the last error.
 * A row another delivery is sending under a live lease is left to that send's outcome; if that
 * claimant dies, the cron queues the row again once its lease is over.
 */
export async function recordRetriesExhausted(db: D1Database, ids: readonly number[], now: number): Promise<number> {
  const { meta } = await db
    .prepare(
      `UPDATE reminders SET status = 'failed', last_error = 'retries_exhausted: ' || COALESCE(last_error, 'unknown'),
         lease_until = 0, updated_at = ?2
       WHERE id IN ${inIds} AND (status = 'pending' OR (status = 'sending' AND lease_until <= ?2))`,
    )
    .bind(idsParam(ids), now)
    .run();
  return meta.changes;
}

export const deliveryStatuses = ["delivered", "read", "failed", "undelivered"] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/**
 * Records what Twilio later reported for a sent WhatsApp message. Callbacks can arrive out of
 * order, so a status never replaces a later one ("read" over "delivered", nothing over a
 * failure); a failure marks the row failed with Twilio's error code.
 */
/** Parameters: ?1 message SID, ?2 status, ?3 1 when it failed, ?4 now, ?5 the error to record. */
export const recordDeliveryStatusSql = `
  UPDATE reminders SET delivery_status = ?2, updated_at = ?4,
    status = CASE WHEN ?3 THEN 'failed' ELSE status END,
    last_error = CASE WHEN ?3 THEN ?5 ELSE last_error END
  WHERE provider_message_id = ?1 AND channel = 'whatsapp'
    AND (delivery_status IS NULL OR (?2 = 'read' AND delivery_status = 'delivered'))`;

export async function recordDeliveryStatus(
  db: D1Database,
  providerMessageId: string,
  status: DeliveryStatus,
  errorCode: string | undefined,
  now: number,
): Promise<boolean> {
  const failed = status === "failed" || status === "undelivered";
  const { meta } = await db
    .prepare(recordDeliveryStatusSql)
    .bind(providerMessageId, status, failed ? 1 : 0, now, `twilio_${status}${errorCode ? ` ${errorCode}` : ""}`)
    .run();
  return meta.changes > 0;
}
