/**
 * The reminder ledger (migrations/0002_reminders.sql): every reminder and notice is a row before
 * it is sent. Inserts are OR IGNORE on the row's unique key, and every state change is one
 * conditional UPDATE, so overlapping cron runs, hooks and redelivered queue messages agree.
 */
import type { Database } from "../base/database";

export const channels = ["whatsapp", "email"] as const;
export type Channel = (typeof channels)[number];
export type MessageKind = "reminder" | "booked" | "rescheduled" | "cancelled";
export type LedgerStatus = "pending" | "sending" | "sent" | "failed" | "skipped";

export type ReminderRow = {
  id: number;
  appointment_id: number;
  recipient_id: number;
  channel: Channel;
  kind: MessageKind;
  offset_minutes: number;
  starts_at: number;
  sequence: number;
  previous_starts_at: number | null;
  due_at: number;
  status: LedgerStatus;
  skip_reason: string | null;
  attempts: number;
  queued_at: number;
  lease_until: number;
  provider_message_id: string | null;
  delivery_status: string | null;
  last_error: string | null;
  sent_at: number | null;
  created_at: number;
  updated_at: number;
};

/** JSON arrays bind as one parameter; D1 allows only 100 per statement. */
export const idsParam = (ids: readonly number[]) => JSON.stringify(ids);
export const inIds = "(SELECT value FROM json_each(?1))";

/**
 * Why a party cannot get a message on a channel, or NULL: the one rule for opt-ins and contact
 * data, shared by every insert and by the consumer's re-check just before sending.
 */
export function contactSkipReason(user: string, channel: string): string {
  return `CASE
    WHEN ${user}.is_active = 0 THEN 'recipient_inactive'
    WHEN ${channel} = 'whatsapp' AND ${user}.whatsapp_opt_in = 0 THEN 'whatsapp_not_opted_in'
    WHEN ${channel} = 'whatsapp' AND COALESCE(${user}.phone, '') = '' THEN 'no_phone_number'
    WHEN ${channel} = 'email' AND ${user}.email_opt_in = 0 THEN 'email_not_opted_in'
    WHEN ${channel} = 'email' AND ${user}.email = '' THEN 'no_email_address'
  END`;
}

/**
 * The appointment's invite revision: part of every row's key, so a session moved away and back
 * again gets fresh rows for its old start instead of finding them skipped as "moved".
 */
function currentInviteSequence(appointment: string): string {
  return `COALESCE((SELECT i.sequence FROM appointment_invites i WHERE i.appointment_id = ${appointment}.id), 0)`;
}

/** One message decided for an appointment, to be written for both parties on both channels. */
export type PlannedMessage = {
  /** Null: the appointment being booked in the same transaction, found by its room name (`newRoom`). */
  appointmentId: number | null;
  /** The start it was planned for; if the appointment has moved since, nothing is written. */
  startsAt: number;
  kind: MessageKind;
  offsetMinutes: number;
  /** Set when the decision already is "skip" (e.g. a reminder past its grace window). */
  skipReason: string | null;
  previousStartsAt: number | null;
};

/** Planned messages per statement: keeps the JSON parameter well below D1's limits. */
const PLANNED_PER_STATEMENT = 500;

export const insertPlannedSql = `
  INSERT OR IGNORE INTO reminders (appointment_id, recipient_id, channel, kind, offset_minutes, starts_at, sequence,
    previous_starts_at, due_at, status, skip_reason, created_at, updated_at)
  SELECT a.id, u.id, ch.channel, p.kind, p.offset_minutes, a.starts_at,
    ${currentInviteSequence("a")},
    p.previous_starts_at,
    CASE WHEN p.kind = 'reminder' THEN a.starts_at - p.offset_minutes * 60 ELSE ?2 END,
    CASE WHEN COALESCE(p.skip_reason, ${contactSkipReason("u", "ch.channel")}) IS NULL THEN 'pending' ELSE 'skipped' END,
    COALESCE(p.skip_reason, ${contactSkipReason("u", "ch.channel")}),
    ?2, ?2
  FROM (SELECT json_extract(value, '$[0]') AS appointment_id, json_extract(value, '$[1]') AS starts_at,
               json_extract(value, '$[2]') AS kind, json_extract(value, '$[3]') AS offset_minutes,
               json_extract(value, '$[4]') AS skip_reason, json_extract(value, '$[5]') AS previous_starts_at
        FROM json_each(?1)) p
  JOIN appointments a ON a.id = COALESCE(p.appointment_id, (SELECT n.id FROM appointments n WHERE n.video_room_id = ?3))
    AND a.starts_at = p.starts_at AND (p.kind <> 'cancelled' OR a.status = 'cancelled')
  JOIN users u ON u.id IN (a.psychologist_id, a.patient_id)
  CROSS JOIN (SELECT 'whatsapp' AS channel UNION ALL SELECT 'email') ch
  RETURNING id, status`;

/**
 * The statements writing `planned` for both parties on both channels; run them in one batch.
 * `newRoom` names the room of the appointment a booking inserts in the same batch, whose id is not
 * known yet (messages with a null `appointmentId`); nothing is written if that insert wrote nothing.
 */
export function plannedMessageStatements(
  db: Database,
  planned: readonly PlannedMessage[],
  now: number,
  newRoom: string | null = null,
): D1PreparedStatement[] {
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < planned.length; i += PLANNED_PER_STATEMENT) {
    const rows = planned
      .slice(i, i + PLANNED_PER_STATEMENT)
      .map((p) => [p.appointmentId, p.startsAt, p.kind, p.offsetMinutes, p.skipReason, p.previousStartsAt]);
    statements.push(db.prepare(insertPlannedSql).bind(JSON.stringify(rows), now, newRoom));
  }
  return statements;
}

export type InsertedRow = { id: number; status: LedgerStatus };

/** Writes planned messages in one transaction; returns the rows actually inserted (not ignored). */
export async function recordPlannedMessages(db: D1Database, planned: readonly PlannedMessage[], now: number): Promise<InsertedRow[]> {
  const statements = plannedMessageStatements(db, planned, now);
  if (statements.length === 0) return [];
  const results = await db.batch<InsertedRow>(statements);
  return results.flatMap((result) => result.results);
}

/**
 * Appointments whose start lies in (?1, ?2] with no reminder row yet for offset ?3 at that start.
 * The cron runs it once per offset over the range where that offset is the latest one due, so
 * the range is read through appointments_start and the probe through the ledger's unique key.
 */
export const unplannedAppointmentsSql = `
  SELECT a.id, a.starts_at FROM appointments a
  WHERE a.starts_at > ?1 AND a.starts_at <= ?2
    AND a.status IN ('scheduled', 'confirmed') AND a.session_type = 'telehealth'
    AND NOT EXISTS (
      SELECT 1 FROM reminders r
      WHERE r.appointment_id = a.id AND r.starts_at = a.starts_at AND r.kind = 'reminder' AND r.offset_minutes = ?3
        AND r.sequence = ${currentInviteSequence("a")})`;

export type StartRange = { offsetMinutes: number; startsAfter: number; startsAtOrBefore: number };

export async function findUnplannedAppointments(
  db: D1Database,
  ranges: readonly StartRange[],
): Promise<{ id: number; starts_at: number }[]> {
  if (ranges.length === 0) return [];
  const results = await db.batch<{ id: number; starts_at: number }>(
    ranges.map((r) => db.prepare(unplannedAppointmentsSql).bind(r.startsAfter, r.startsAtOrBefore, r.offsetMinutes)),
  );
  return results.flatMap((result) => result.results);
}

/**
 * Skips the appointment's pending messages that a reschedule or cancellation made wrong: those
 * for another start after a reschedule, all but the cancellation notice after a cancel. Only if
 * the appointment is now moved or cancelled: in the change's batch, after its conditional UPDATE.
 */
export function skipOutdatedMessages(
  db: Database,
  change: { kind: "rescheduled" | "cancelled"; appointmentId: number; startsAt: number },
  now: number,
): D1PreparedStatement {
  const cancelled = change.kind === "cancelled";
  return db
    .prepare(
      `UPDATE reminders SET status = 'skipped', skip_reason = ?2, updated_at = ?3
       WHERE appointment_id = ?1 AND status = 'pending' AND CASE WHEN ?4 IS NULL THEN kind <> 'cancelled' ELSE starts_at <> ?4 END
         AND EXISTS (SELECT 1 FROM appointments a WHERE a.id = ?1 AND CASE WHEN ?4 IS NULL THEN a.status = 'cancelled' ELSE a.starts_at = ?4 END)`,
    )
    .bind(change.appointmentId, cancelled ? "appointment_cancelled" : "appointment_moved", now, cancelled ? null : change.startsAt);
}

/**
 * Bumps the appointment's invite revision on a reschedule or cancel, if the statement before it
 * in the batch (the change's conditional UPDATE) changed the row: a booking's revision is 0
 * without a row (`currentInviteSequence`), so the first bump writes 1.
 */
export function bumpInviteSequence(db: Database, appointmentId: number, now: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO appointment_invites (appointment_id, sequence, updated_at) SELECT ?1, 1, ?2 WHERE changes() = 1
       ON CONFLICT (appointment_id) DO UPDATE SET sequence = sequence + 1, updated_at = excluded.updated_at`,
    )
    .bind(appointmentId, now);
}
