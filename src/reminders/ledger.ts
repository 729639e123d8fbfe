import type { AppointmentStatus } from "../appointments/schemas";
import type { PartyRole } from "./render";

/**
 * The reminder ledger (migrations/0002_reminders.sql): every reminder and notice is a row before
 * it is sent. Inserts are OR IGNORE on the row's unique key, and every state change is one
 * conditional UPDATE, so overlapping cron runs, hooks and redelivered queue messages agree.
 */

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

/** How long a consumer's claim on a row lasts; a crashed consumer's row is claimable after it. */
export const LEASE_SECONDS = 120;
/** A row queued this long ago and still open was lost on the way; the cron queues it again. */
export const REQUEUE_AFTER_SECONDS = 600;

/** JSON arrays bind as one parameter; D1 allows only 100 per statement. */
const idsParam = (ids: readonly number[]) => JSON.stringify(ids);
const inIds = "(SELECT value FROM json_each(?1))";

/**
 * Why a party cannot get a message on a channel, or NULL: the one rule for opt-ins and contact
 * data, shared by every insert and by the consumer's re-check just before sending.
 */
function contactSkipReason(user: string, channel: string): string {
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
  appointmentId: number;
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
  JOIN appointments a ON a.id = p.appointment_id AND a.starts_at = p.starts_at
  JOIN users u ON u.id IN (a.psychologist_id, a.patient_id)
  CROSS JOIN (SELECT 'whatsapp' AS channel UNION ALL SELECT 'email') ch
  RETURNING id, status`;

/** The statements writing `planned` for both parties on both channels; run them in one batch. */
export function plannedMessageStatements(db: D1Database, planned: readonly PlannedMessage[], now: number): D1PreparedStatement[] {
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < planned.length; i += PLANNED_PER_STATEMENT) {
    const rows = planned
      .slice(i, i + PLANNED_PER_STATEMENT)
      .map((p) => [p.appointmentId, p.startsAt, p.kind, p.offsetMinutes, p.skipReason, p.previousStartsAt]);
    statements.push(db.prepare(insertPlannedSql).bind(JSON.stringify(rows), now));
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

export async function findUnplannedAppointments(db: D1Database, ranges: readonly StartRange[]): Promise<{ id: number; starts_at: number }[]> {
  if (ranges.length === 0) return [];
  const results = await db.batch<{ id: number; starts_at: number }>(
    ranges.map((r) => db.prepare(unplannedAppointmentsSql).bind(r.startsAfter, r.startsAtOrBefore, r.offsetMinutes)),
  );
  return results.flatMap((result) => result.results);
}

/** ?1 now, ?2 queued at or before (stale), ?3 limit; read through the partial index reminders_open. */
export const claimOpenRowsSql = `
  UPDATE reminders SET queued_at = ?1
  WHERE id IN (
    SELECT id FROM reminders
    WHERE status IN ('pending', 'sending') AND queued_at <= ?2 AND (status = 'pending' OR lease_until <= ?1)
    ORDER BY queued_at LIMIT ?3)
  RETURNING id`;

/**
 * Claims up to `limit` open rows for the queue: pending ones never queued or queued so long ago
 * they were lost, and `sending` ones whose consumer's lease ran out. Atomic, so two overlapping
 * cron runs never queue the same row twice.
 */
export async function claimOpenRowsForQueue(db: D1Database, now: number, limit: number): Promise<number[]> {
  const { results } = await db
    .prepare(claimOpenRowsSql)
    .bind(now, now - REQUEUE_AFTER_SECONDS, limit)
    .all<{ id: number }>();
  return results.map((row) => row.id);
}

/** Claims the given rows for the queue, if still pending and not already on it. */
export async function claimRowsForQueue(db: D1Database, ids: readonly number[], now: number): Promise<number[]> {
  const { results } = await db
    .prepare(`UPDATE reminders SET queued_at = ?2 WHERE id IN ${inIds} AND status = 'pending' AND queued_at <= ?3 RETURNING id`)
    .bind(idsParam(ids), now, now - REQUEUE_AFTER_SECONDS)
    .all<{ id: number }>();
  return results.map((row) => row.id);
}

/** Gives back queue claims whose messages never reached the queue, so the next cron run sends them. */
export async function releaseQueueClaims(db: D1Database, ids: readonly number[]): Promise<void> {
  await db.prepare(`UPDATE reminders SET queued_at = 0 WHERE id IN ${inIds} AND status = 'pending'`).bind(idsParam(ids)).run();
}

/**
 * Claims rows for sending: pending, or `sending` under an expired lease. Only one consumer wins a
 * row, so a message delivered twice is sent once.
 */
export async function claimRowsForSending(db: D1Database, ids: readonly number[], now: number): Promise<number[]> {
  const { results } = await db
    .prepare(
      `UPDATE reminders SET status = 'sending', lease_until = ?2 + ${LEASE_SECONDS}, attempts = attempts + 1, updated_at = ?2
       WHERE id IN ${inIds} AND (status = 'pending' OR (status = 'sending' AND lease_until <= ?2))
       RETURNING id`,
    )
    .bind(idsParam(ids), now)
    .all<{ id: number }>();
  return results.map((row) => row.id);
}

export async function findRowStates(db: D1Database, ids: readonly number[]): Promise<Pick<ReminderRow, "id" | "status" | "lease_until">[]> {
  const { results } = await db.prepare(`SELECT id, status, lease_until FROM reminders WHERE id IN ${inIds}`).bind(idsParam(ids)).all();
  return results as Pick<ReminderRow, "id" | "status" | "lease_until">[];
}

/** A claimed row with everything needed to decide, word and address its message. */
export type ClaimedMessage = ReminderRow & {
  appointment_starts_at: number;
  duration_minutes: number;
  appointment_status: AppointmentStatus;
  session_type: "telehealth" | "in_person";
  service_name: string | null;
  video_room_id: string | null;
  recipient_role: PartyRole;
  recipient_name: string;
  recipient_email: string;
  recipient_phone: string | null;
  recipient_timezone: string;
  contact_skip_reason: string | null;
  other_name: string;
};

/** The claimed rows with their appointment and both parties as they are now, in one read. */
export async function loadClaimedMessages(db: D1Database, ids: readonly number[]): Promise<ClaimedMessage[]> {
  const { results } = await db
    .prepare(
      `SELECT r.*, a.starts_at AS appointment_starts_at, a.duration_minutes, a.status AS appointment_status,
         a.session_type, a.service_name, a.video_room_id,
         CASE WHEN a.psychologist_id = r.recipient_id THEN 'psychologist' ELSE 'patient' END AS recipient_role,
         u.name AS recipient_name, u.email AS recipient_email, u.phone AS recipient_phone, u.timezone AS recipient_timezone,
         ${contactSkipReason("u", "r.channel")} AS contact_skip_reason,
         o.name AS other_name
       FROM reminders r
       JOIN appointments a ON a.id = r.appointment_id
       JOIN users u ON u.id = r.recipient_id
       JOIN users o ON o.id = CASE WHEN a.psychologist_id = r.recipient_id THEN a.patient_id ELSE a.psychologist_id END
       WHERE r.id IN ${inIds}`,
    )
    .bind(idsParam(ids))
    .all<ClaimedMessage>();
  return results;
}

/** The outcome of one claimed row. Each write requires the claim still to be ours (`sending`). */
export type RowOutcome =
  | { status: "sent"; providerMessageId: string }
  | { status: "skipped"; reason: string }
  | { status: "failed"; error: string }
  | { status: "retry"; error: string; retryAt: number };

export async function recordOutcome(db: D1Database, id: number, outcome: RowOutcome, now: number): Promise<void> {
  const statement = (() => {
    switch (outcome.status) {
      case "sent":
        return db
          .prepare(`UPDATE reminders SET status = 'sent', provider_message_id = ?2, sent_at = ?3, lease_until = 0, last_error = NULL, updated_at = ?3 WHERE id = ?1 AND status = 'sending'`)
          .bind(id, outcome.providerMessageId, now);
      case "skipped":
        return db
          .prepare(`UPDATE reminders SET status = 'skipped', skip_reason = ?2, lease_until = 0, updated_at = ?3 WHERE id = ?1 AND status = 'sending'`)
          .bind(id, outcome.reason, now);
      case "failed":
        return db
          .prepare(`UPDATE reminders SET status = 'failed', last_error = ?2, lease_until = 0, updated_at = ?3 WHERE id = ?1 AND status = 'sending'`)
          .bind(id, outcome.error, now);
      case "retry":
        // Back to pending, queued as of the retry: the cron leaves it to the queue's retry meanwhile.
        return db
          .prepare(`UPDATE reminders SET status = 'pending', last_error = ?2, queued_at = ?3, lease_until = 0, updated_at = ?4 WHERE id = ?1 AND status = 'sending'`)
          .bind(id, outcome.error, outcome.retryAt, now);
    }
  })();
  await statement.run();
}

/** Rows whose messages ran out of retries (the dead-letter queue): failed, keeping the last error. */
export async function recordRetriesExhausted(db: D1Database, ids: readonly number[], now: number): Promise<number> {
  const { meta } = await db
    .prepare(
      `UPDATE reminders SET status = 'failed', last_error = 'retries_exhausted: ' || COALESCE(last_error, 'unknown'),
         lease_until = 0, updated_at = ?2
       WHERE id IN ${inIds} AND status IN ('pending', 'sending')`,
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
export async function recordDeliveryStatus(db: D1Database, providerMessageId: string, status: DeliveryStatus, errorCode: string | undefined, now: number): Promise<boolean> {
  const failed = status === "failed" || status === "undelivered";
  const { meta } = await db
    .prepare(
      `UPDATE reminders SET delivery_status = ?2, updated_at = ?4,
         status = CASE WHEN ?3 THEN 'failed' ELSE status END,
         last_error = CASE WHEN ?3 THEN ?5 ELSE last_error END
       WHERE provider_message_id = ?1 AND channel = 'whatsapp'
         AND (delivery_status IS NULL OR (?2 = 'read' AND delivery_status = 'delivered'))`,
    )
    .bind(providerMessageId, status, failed ? 1 : 0, now, `twilio_${status}${errorCode ? ` ${errorCode}` : ""}`)
    .run();
  return meta.changes > 0;
}

/**
 * Skips the appointment's pending messages that a reschedule or cancellation made wrong: those
 * for another start after a reschedule, all but the cancellation notice after a cancel.
 */
export function skipOutdatedMessages(db: D1Database, change: { kind: "rescheduled" | "cancelled"; appointmentId: number; startsAt: number }, now: number): D1PreparedStatement {
  const cancelled = change.kind === "cancelled";
  return db
    .prepare(
      `UPDATE reminders SET status = 'skipped', skip_reason = ?2, updated_at = ?3
       WHERE appointment_id = ?1 AND status = 'pending' AND CASE WHEN ?4 IS NULL THEN kind <> 'cancelled' ELSE starts_at <> ?4 END`,
    )
    .bind(change.appointmentId, cancelled ? "appointment_cancelled" : "appointment_moved", now, cancelled ? null : change.startsAt);
}

/** Bumps the appointment's invite revision: 0 when booked, +1 on every reschedule and cancel. */
export function bumpInviteSequence(db: D1Database, appointmentId: number, kind: "booked" | "rescheduled" | "cancelled", now: number): D1PreparedStatement {
  const onConflict = kind === "booked" ? "DO NOTHING" : "DO UPDATE SET sequence = sequence + 1, updated_at = excluded.updated_at";
  return db
    .prepare(`INSERT INTO appointment_invites (appointment_id, sequence, updated_at) VALUES (?1, ?2, ?3) ON CONFLICT (appointment_id) ${onConflict}`)
    .bind(appointmentId, kind === "booked" ? 0 : 1, now);
}
