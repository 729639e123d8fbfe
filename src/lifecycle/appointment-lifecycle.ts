import { type BookingRequest, type BookingRules, bookAppointment } from "../appointments/booking";
import { joinWindow } from "../appointments/join-window";
import { type ApplyChange, type AppointmentRow, applyAlone, openSessionsOf } from "../appointments/queries";
import { sessionTiming } from "../appointments/views";
import { type AuditActor, auditEvent, recordAudit } from "../audit/record";
import type { Config } from "../base/config";
import type { Database } from "../base/database";
import { bookingNoticeStatements, changeNoticeStatements, pendingRowIds, queueNoticesAfterResponse } from "../reminders/notices";
import { revokeRoomAccess } from "../rooms/room-stub";

/**
 * What follows a stored booking or change, composed here, above the capabilities it reaches
 * (reminders and rooms), so that appointments stays a leaf of the domain.
 */
export type ChangeContext = {
  env: Pick<Env, "DB" | "REMINDERS_QUEUE" | "ROOMS">;
  /**
   * The request's D1 session (on the primary for writes): the change and its notices are written
   * through it, so the request's later reads and the bookmark it hands back include them.
   */
  db: Database;
  config: Config;
  ctx: Pick<ExecutionContext, "waitUntil">;
  /** Who made the change, for the audit trail. */
  actor: AuditActor;
};

/**
 * Books a session from either API (appointments or video calls) together with what both parties
 * are owed: the confirmation, and any reminder already due or missed, in the reminder ledger, in
 * the booking's own transaction. A booking is never stored without its notices; a failed write
 * stores neither and answers 500, and a retry books afresh. The notices are queued after the
 * answer, and the booking is audited.
 */
export async function bookAppointmentWithNotices(
  { env, db, config, ctx, actor }: ChangeContext,
  request: BookingRequest,
  now: number,
  rules: Omit<BookingRules, "together">,
): Promise<AppointmentRow> {
  const notices = (roomName: string) => bookingNoticeStatements(db, { roomName, startsAt: request.startsAt }, config.reminderOffsets, now);
  const { row, together } = await bookAppointment(db, request, now, { ...rules, together: notices });
  recordAudit(env.DB, ctx, auditEvent("appointment.booked", actor, { appointmentId: row.id }, now));
  queueNoticesAfterResponse({ env, ctx }, pendingRowIds(together), row.id, now);
  return row;
}

/**
 * Runs a change from either API (a PATCH, a call's cancel or end) with the notices it calls for
 * (`changeNoticeStatements`) in one transaction, so that a failed write stores neither and answers
 * 500; the notices are queued after the answer.
 */
export function applyWithNotices({ env, db, config, ctx }: ChangeContext, before: AppointmentRow, now: number): ApplyChange {
  return async (update, outcome) => {
    const notices = changeNoticeStatements(db, before, outcome, config.reminderOffsets, now);
    if (notices.length === 0) return applyAlone(update, outcome);
    const [changed, ...written] = await db.batch([update, ...notices]);
    const row = (changed?.results[0] as AppointmentRow | undefined) ?? null;
    if (row) queueNoticesAfterResponse({ env, ctx }, pendingRowIds(written), row.id, now);
    return row;
  };
}

/**
 * What follows any stored change, from either API: a cancellation or a new time takes access to
 * the room back (`revokeAccess`) before the change answers. No step throws, since the change
 * itself is already stored (with its notices: `applyWithNotices`).
 */
export async function appointmentChanged(
  { env, ctx, actor }: ChangeContext,
  before: AppointmentRow,
  after: AppointmentRow,
  now: number,
): Promise<void> {
  const cancelled = after.status === "cancelled" && before.status !== "cancelled";
  const moved = !cancelled && after.starts_at !== before.starts_at;
  const about = { appointmentId: after.id };
  recordAudit(env.DB, ctx, auditEvent(cancelled ? "appointment.cancelled" : "appointment.changed", actor, about, now));
  if ((cancelled || moved) && before.video_room_id) {
    const until = moved ? Math.min(roomOf(before).closesAt, roomOf(after).opensAt) : roomOf(before).closesAt;
    const revocation = {
      cause: cancelled ? "cancelled" : "moved",
      // Read now, after the change was written: every request that read D1 before the write checked earlier.
      at: Date.now(),
      until: until * 1000,
      atProvider: tokensMayExist(before, now),
    } as const;
    await revokeRoomAccess(env, roomRef(before, before.video_room_id), revocation);
    recordAudit(env.DB, ctx, auditEvent("access.revoked", actor, { ...about, outcome: revocation.cause }, now));
  }
}

/**
 * A user deactivated by the platform: their place in every room open now is taken back (their
 * sockets close, the provider drops them), so an account switched off mid-session is out at once.
 */
export async function userDeactivated({ env, db, ctx, actor }: ChangeContext, userId: number, now: number): Promise<void> {
  const sessions = await openSessionsOf(db, userId, now);
  const revoked = sessions.map((session) =>
    auditEvent("access.revoked", actor, { appointmentId: session.id, subjectUserId: userId, outcome: "deactivated" }, now),
  );
  await Promise.all(
    sessions.map((session) =>
      revokeRoomAccess(env, roomRef(session, session.video_room_id ?? ""), {
        cause: "deactivated",
        userId,
        at: Date.now(),
        until: roomOf(session).closesAt * 1000,
        atProvider: true,
      }),
    ),
  );
  recordAudit(env.DB, ctx, ...revoked);
}

/**
 * Tokens exist only once a room's join window has opened (a minute early, for a request already
 * past its check), and none is usable after it closes: only then has the provider anything to drop.
 */
function tokensMayExist(session: AppointmentRow, now: number): boolean {
  const { opensAt, closesAt } = roomOf(session);
  return now >= opensAt - 60 && now < closesAt;
}

function roomRef(session: AppointmentRow, roomName: string) {
  return { roomName, appointmentId: session.id, provider: session.video_provider };
}

function roomOf(session: AppointmentRow) {
  return joinWindow(sessionTiming(session), 0);
}
