/** How long a key holds its answer: long enough for any client's retries, short enough to keep the table small. */
export const idempotencyKeyLifetimeSeconds = 24 * 60 * 60;

/**
 * How long a claim is its request's. A create takes well under a second; a claim still open after
 * this is one whose request died (its isolate evicted before it could settle the key), and a
 * retry may claim the key again rather than hear 409 for the key's whole lifetime.
 */
export const idempotencyClaimLeaseSeconds = 5 * 60;

export type IdempotencyRequest = { userId: number; key: string; requestHash: string };

/** A key's row as a retry finds it: `response_status` and `response_body` are null while its first request runs. */
export type IdempotencyRecord = { request_hash: string; response_status: number | null; response_body: string | null };

export type IdempotencyClaim = { claimed: true } | { claimed: false; record: IdempotencyRecord };

/**
 * Claims the caller's key for this request, atomically: a new key, or one past its lifetime or left
 * by a request that died, becomes this request's (`claimed`); otherwise the row as it stands, read in
 * the same transaction, so of two requests at once exactly one claims and the other sees its claim.
 */
export async function claimIdempotencyKey(
  db: D1Database,
  { userId, key, requestHash }: IdempotencyRequest,
  now: number,
): Promise<IdempotencyClaim> {
  const [claim, current] = await db.batch<IdempotencyRecord>([
    db
      .prepare(
        `INSERT INTO idempotency_keys (user_id, idempotency_key, request_hash, lease_until, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (user_id, idempotency_key) DO UPDATE SET
           request_hash = excluded.request_hash, response_status = NULL, response_body = NULL,
           lease_until = excluded.lease_until, created_at = excluded.created_at
         WHERE idempotency_keys.created_at <= ?6
            OR (idempotency_keys.response_status IS NULL AND idempotency_keys.lease_until <= ?5)
         RETURNING request_hash`,
      )
      .bind(userId, key, requestHash, now + idempotencyClaimLeaseSeconds, now, now - idempotencyKeyLifetimeSeconds),
    db
      .prepare("SELECT request_hash, response_status, response_body FROM idempotency_keys WHERE user_id = ? AND idempotency_key = ?")
      .bind(userId, key),
  ]);
  if (claim!.results.length > 0) return { claimed: true };
  return { claimed: false, record: current!.results[0]! };
}

/** Stores the claimed request's answer for its retries. */
export async function saveIdempotentAnswer(
  db: D1Database,
  { userId, key }: IdempotencyRequest,
  answer: { status: number; body: string },
): Promise<void> {
  await db
    .prepare(
      `UPDATE idempotency_keys SET response_status = ?, response_body = ?
       WHERE user_id = ? AND idempotency_key = ? AND response_status IS NULL`,
    )
    .bind(answer.status, answer.body, userId, key)
    .run();
}

/** Gives the key back after a request that created nothing, so that a retry runs again. */
export async function releaseIdempotencyKey(db: D1Database, { userId, key }: IdempotencyRequest): Promise<void> {
  await db
    .prepare("DELETE FROM idempotency_keys WHERE user_id = ? AND idempotency_key = ? AND response_status IS NULL")
    .bind(userId, key)
    .run();
}

/** Deletes keys past their lifetime (the cron); a claim treats them as free even before this runs. */
export async function forgetExpiredIdempotencyKeys(db: D1Database, now: number): Promise<number> {
  const { meta } = await db
    .prepare("DELETE FROM idempotency_keys WHERE created_at <= ?")
    .bind(now - idempotencyKeyLifetimeSeconds)
    .run();
  return meta.changes;
}
