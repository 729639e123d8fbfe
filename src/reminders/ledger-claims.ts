import type { AppointmentStatus } from "../appointments/schemas";
import { contactSkipReason, idsParam, inIds, type ReminderRow } from "./ledger";
import type { PartyRole } from "./render";

// Claims on ledger rows: for the queue (by the cron and the hooks) and for sending (by the consumer).

/** How long a consumer's claim on a row lasts; a crashed consumer's row is claimable after it. */
export const LEASE_SECONDS = 120;
/** A row queued this long ago and still open was lost on the way; the cron queues it again. */
export const REQUEUE_AFTER_SECONDS = 600;

/**
 * ?1 now, ?2 queued at or before (stale), ?3 limit. The IN term lets SQLite read the partial index
 * reminders_open (open rows only); `sending` rows are the sweeper's (`returnExpiredClaimsSql`).
 */
export const claimOpenRowsSql = `
  UPDATE reminders SET queued_at = ?1
  WHERE id IN (
    SELECT id FROM reminders
    WHERE status IN ('pending', 'sending') AND status = 'pending' AND queued_at <= ?2
    ORDER BY queued_at LIMIT ?3)
  RETURNING id`;

/**
 * Claims up to `limit` pending rows for the queue: ones never queued, or queued so long ago they
 * were lost. Atomic, so two overlapping cron runs never queue the same row twice.
 */
export async function claimOpenRowsForQueue(db: D1Database, now: number, limit: number): Promise<number[]> {
  const { results } = await db
    .prepare(claimOpenRowsSql)
    .bind(now, now - REQUEUE_AFTER_SECONDS, limit)
    .all<{ id: number }>();
  return results.map((row) => row.id);
}

/** ?1 now. Reads the open rows through reminders_open, as the claim above does. */
export const returnExpiredClaimsSql = `
  UPDATE reminders SET status = 'pending', queued_at = 0, lease_until = 0, last_error = 'lease_expired', updated_at = ?1
  WHERE status IN ('pending', 'sending') AND status = 'sending' AND lease_until <= ?1`;

/**
 * The sweeper: `sending` rows whose lease ran out (their consumer crashed, was evicted, or lost
 * D1 before it could record the outcome) go back to pending, ready to queue at once. The attempt
 * the claim counted stays counted and `last_error` says why. The cron runs it before queueing, so
 * no row stays in `sending` past its lease and the next cron run.
 */
export async function returnExpiredClaims(db: D1Database, now: number): Promise<number> {
  const { meta } = await db.prepare(returnExpiredClaimsSql).bind(now).run();
  return meta.changes;
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
