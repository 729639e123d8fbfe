import type { Caller } from "../base/caller";
import { errorKind } from "../base/errors";

export const auditActions = [
  "appointment.read",
  "appointment.booked",
  "appointment.changed",
  "appointment.cancelled",
  "schedule.read",
  "outbox.read",
  "profile.read",
  "token.issued",
  "token.refused",
  "room.joined",
  "room.left",
  "reminder.sent",
  "reminder.skipped",
  "reminder.failed",
  "user.synced",
  "access.revoked",
  "audit.read",
] as const;
export type AuditAction = (typeof auditActions)[number];

/**
 * One row of the audit trail: ids and short codes only. `outcome` is "ok" or a code such as a
 * refusal's status and reason ("400:not_open_yet") or a skip's reason; never text that could
 * carry health data, names, contact data or tokens.
 */
export type AuditEvent = {
  at: number;
  actorId: number | null;
  actorRole: Caller["role"] | "system";
  action: AuditAction;
  appointmentId: number | null;
  subjectUserId: number | null;
  outcome: string;
};

/** Who acted: a caller, or the system (the cron, the queue, a provider's webhook). */
export type AuditActor = Pick<Caller, "id" | "role"> | "system";

/**
 * Pure: the event for an action by `actor`, about an appointment and/or a user.
 *
 * @example auditEvent("token.refused", caller, { appointmentId: 7, outcome: "400:not_open_yet" }, now)
 */
export function auditEvent(
  action: AuditAction,
  actor: AuditActor,
  about: { appointmentId?: number | null; subjectUserId?: number | null; outcome?: string },
  at: number,
): AuditEvent {
  return {
    at,
    actorId: actor === "system" ? null : actor.id,
    actorRole: actor === "system" ? "system" : actor.role,
    action,
    appointmentId: about.appointmentId ?? null,
    subjectUserId: about.subjectUserId ?? null,
    outcome: about.outcome ?? "ok",
  };
}

/**
 * Inserts the events in one batch. Never throws: a lost audit row is logged (actions and ids) and
 * must not fail the request or the message it describes.
 */
export async function writeAuditEvents(db: D1Database, events: readonly AuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  try {
    await db.batch(
      events.map((event) =>
        db
          .prepare(
            `INSERT INTO audit_events (at, actor_id, actor_role, action, appointment_id, subject_user_id, outcome)
             VALUES (?, ?, ?, ?, ?, ?, ?)`,
          )
          .bind(event.at, event.actorId, event.actorRole, event.action, event.appointmentId, event.subjectUserId, event.outcome),
      ),
    );
  } catch (err) {
    console.error(
      JSON.stringify({
        event: "audit_write_failed",
        kind: errorKind(err),
        actions: events.map(({ action, appointmentId }) => ({ action, appointment_id: appointmentId })),
      }),
    );
  }
}

/** Records the events after the answer (`waitUntil`), so the audit costs the request no round trip. */
export function recordAudit(db: D1Database, ctx: Pick<ExecutionContext, "waitUntil">, ...events: AuditEvent[]): void {
  if (events.length > 0) ctx.waitUntil(writeAuditEvents(db, events));
}
