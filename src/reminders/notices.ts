import type { AppointmentRow } from "../appointments/queries";
import { errorKind } from "../base/errors";
import { plannedReminders } from "./due-reminders";
import { enqueueReminders } from "./enqueue";
import { bumpInviteSequence, type InsertedRow, type PlannedMessage, plannedMessageStatements, skipOutdatedMessages } from "./ledger";

/** Where a notice goes: the ledger and the queue, the reminder offsets, and the request's waitUntil. */
export type NoticeContext = {
  env: Pick<Env, "DB" | "REMINDERS_QUEUE">;
  offsets: readonly number[];
  ctx: Pick<ExecutionContext, "waitUntil">;
};

/** What happened to a booked appointment that both parties must hear about right away (bookings: `bookingNoticeStatements`). */
export type AppointmentChange =
  | { kind: "rescheduled"; appointment: AppointmentRow; previousStartsAt: number }
  | { kind: "cancelled"; appointment: AppointmentRow };

/**
 * Tells both parties that an appointment was rescheduled or cancelled, by WhatsApp and email,
 * through the reminder ledger. Call it once the change is stored, from any route that moves or
 * cancels (appointments, video calls).
 *
 * The ledger rows are written before this returns; queueing them happens after the response
 * (`ctx.waitUntil`), and if that is lost the cron queues them within a minute. It never throws:
 * the change itself already happened, and a failure here is logged, not turned into a 500.
 *
 * @example
 * const row = await transitionStatus(c.env.DB, id, ["scheduled"], "cancelled", now);
 * await noticeAppointmentChange({ env: c.env, offsets, ctx: c.executionCtx }, { kind: "cancelled", appointment: row }, now);
 */
export async function noticeAppointmentChange({ env, offsets, ctx }: NoticeContext, change: AppointmentChange, now: number): Promise<void> {
  try {
    queueNoticesAfterResponse({ env, ctx }, await recordAppointmentNotice(env.DB, change, offsets, now), change.appointment.id, now);
  } catch (err) {
    console.error(
      JSON.stringify({ event: "notice_record_failed", appointment_id: change.appointment.id, change: change.kind, kind: errorKind(err) }),
    );
  }
}

/**
 * Queues notice rows after the response (`ctx.waitUntil`); if that is lost, the cron queues them
 * within a minute, so a failure here is logged, never thrown.
 */
export function queueNoticesAfterResponse(
  { env, ctx }: Pick<NoticeContext, "env" | "ctx">,
  ids: readonly number[],
  appointmentId: number,
  now: number,
): void {
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
  db: D1Database,
  booking: { roomName: string; startsAt: number },
  offsets: readonly number[],
  now: number,
): D1PreparedStatement[] {
  const notice = { kind: "booked", appointmentId: null, startsAt: booking.startsAt, previousStartsAt: null } as const;
  return plannedMessageStatements(db, noticeWithReminders(notice, offsets, now), now, booking.roomName);
}

/** The pending rows among what ledger statements inserted: the ones to queue. */
export function pendingRowIds(results: readonly D1Result[]): number[] {
  return results
    .flatMap((result) => result.results as InsertedRow[])
    .filter((row) => row.status === "pending")
    .map((row) => row.id);
}

/** The notice an update calls for: a cancellation, a new start, or none (confirming, a new length). */
export function appointmentChange(before: AppointmentRow, after: AppointmentRow): AppointmentChange | undefined {
  if (after.status === "cancelled" && before.status !== "cancelled") return { kind: "cancelled", appointment: after };
  if (after.starts_at !== before.starts_at) return { kind: "rescheduled", appointment: after, previousStartsAt: before.starts_at };
  return undefined;
}

/** `noticeAppointmentChange` for a PATCH: works out which change `before` → `after` was, if any. */
export async function noticeAppointmentUpdate(
  context: NoticeContext,
  before: AppointmentRow,
  after: AppointmentRow,
  now: number,
): Promise<void> {
  const change = appointmentChange(before, after);
  if (change) await noticeAppointmentChange(context, change, now);
}

/**
 * Writes the change's ledger rows in one transaction: the invite revision, skips for messages the
 * change made wrong, the notice for both parties on both channels, and, for a new start, the
 * reminders already due or already missed (a late booking's 24-hour reminder is recorded as
 * skipped, not silently absent). Returns the pending rows to queue.
 * Sessions without video (in person) get no messages from this service.
 */
export async function recordAppointmentNotice(
  db: D1Database,
  change: AppointmentChange,
  offsets: readonly number[],
  now: number,
): Promise<number[]> {
  const { appointment } = change;
  if (appointment.session_type !== "telehealth") return [];
  const notice = {
    kind: change.kind,
    appointmentId: appointment.id,
    startsAt: appointment.starts_at,
    previousStartsAt: change.kind === "rescheduled" ? change.previousStartsAt : null,
  };
  const statements = [
    bumpInviteSequence(db, appointment.id, now),
    skipOutdatedMessages(db, { kind: change.kind, appointmentId: appointment.id, startsAt: appointment.starts_at }, now),
    ...plannedMessageStatements(db, noticeWithReminders(notice, offsets, now), now),
  ];
  return pendingRowIds(await db.batch(statements));
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
