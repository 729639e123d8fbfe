import type { AppointmentRow, ChangeOutcome } from "../appointments/queries";
import type { Database } from "../base/database";
import { errorKind } from "../base/errors";
import { plannedReminders } from "./due-reminders";
import { enqueueReminders } from "./enqueue";
import { bumpInviteSequence, type InsertedRow, type PlannedMessage, plannedMessageStatements, skipOutdatedMessages } from "./ledger";

/**
 * Booking, reschedule and cancellation notices: both parties hear of the change by WhatsApp and
 * email through the reminder ledger. Their rows are written in the change's own transaction (a
 * change is never stored without its notices, nor notices without their change) and queued after
 * the response; if that is lost, the cron queues them within a minute. Sessions without video (in
 * person) get no messages from this service.
 */

/** Where notices are queued from: the ledger and the queue, and the request's waitUntil. */
export type NoticeContext = {
  env: Pick<Env, "DB" | "REMINDERS_QUEUE">;
  ctx: Pick<ExecutionContext, "waitUntil">;
};

/**
 * Queues notice rows after the response (`ctx.waitUntil`); if that is lost, the cron queues them
 * within a minute, so a failure here is logged, never thrown.
 */
export function queueNoticesAfterResponse({ env, ctx }: NoticeContext, ids: readonly number[], appointmentId: number, now: number): void {
  if (ids.length === 0) return;
  ctx.waitUntil(
    enqueueReminders(env.DB, env.REMINDERS_QUEUE, ids, now).catch((err: unknown) => {
      console.error(JSON.stringify({ event: "notice_enqueue_failed", appointment_id: appointmentId, kind: errorKind(err) }));
    }),
  );
}

/**
 * The ledger statements a booking commits in its own transaction: both parties' confirmation on
 * both channels, and the reminders already due or already missed, for the appointment the same
 * batch inserts with `roomName` (its id is not known before). Only sessions with a room (video)
 * get messages; if the insert wrote nothing (a clash), neither do these.
 */
export function bookingNoticeStatements(
  db: Database,
  booking: { roomName: string; startsAt: number },
  offsets: readonly number[],
  now: number,
): D1PreparedStatement[] {
  const notice = { kind: "booked", appointmentId: null, startsAt: booking.startsAt, previousStartsAt: null } as const;
  return plannedMessageStatements(db, noticeWithReminders(notice, offsets, now), now, booking.roomName);
}

/**
 * The ledger statements a change from `before` to `outcome` calls for, to run right after the
 * change's UPDATE in its batch: none for a confirmation or a new length alone; for a cancellation
 * or a new start, the invite revision bumped (only if that UPDATE changed the row), the messages
 * it made wrong skipped (only if the appointment now is as `outcome` says), and the notice, with
 * a new start's reminders already due or already missed, written for the appointment as it now is.
 * A change that lost a race therefore writes nothing new: its notice is the winner's, ignored.
 */
export function changeNoticeStatements(
  db: Database,
  before: Pick<AppointmentRow, "id" | "starts_at" | "status" | "session_type">,
  outcome: ChangeOutcome,
  offsets: readonly number[],
  now: number,
): D1PreparedStatement[] {
  if (before.session_type !== "telehealth") return [];
  const cancelled = outcome.status === "cancelled" && before.status !== "cancelled";
  if (!cancelled && outcome.startsAt === before.starts_at) return [];
  const kind = cancelled ? ("cancelled" as const) : ("rescheduled" as const);
  const notice = { kind, appointmentId: before.id, startsAt: outcome.startsAt, previousStartsAt: cancelled ? null : before.starts_at };
  return [
    bumpInviteSequence(db, before.id, now),
    skipOutdatedMessages(db, { kind, appointmentId: before.id, startsAt: outcome.startsAt }, now),
    ...plannedMessageStatements(db, noticeWithReminders(notice, offsets, now), now),
  ];
}

/** The pending rows among what ledger statements inserted: the ones to queue. */
export function pendingRowIds(results: readonly D1Result[]): number[] {
  return results
    .flatMap((result) => result.results as InsertedRow[])
    .filter((row) => row.status === "pending")
    .map((row) => row.id);
}

/** The notice itself, then for a new start the reminders already due or already missed. */
function noticeWithReminders(
  notice: Pick<PlannedMessage, "kind" | "appointmentId" | "startsAt" | "previousStartsAt">,
  offsets: readonly number[],
  now: number,
): PlannedMessage[] {
  const reminders =
    notice.kind === "cancelled" ? [] : plannedReminders([{ id: notice.appointmentId, starts_at: notice.startsAt }], offsets, now);
  return [{ ...notice, offsetMinutes: 0, skipReason: null }, ...reminders];
}
