import type { SocketEndCause } from "./socket-ends";

/**
 * Access to a room taken back, as rules on plain values. A cancellation or a move takes it from
 * everyone, a deactivation from one user. The room object records when, refuses any socket whose
 * holder was checked in D1 before then (a request already past its check when the change landed),
 * and keeps asking the provider to drop the room until it has answered. Times are epoch ms.
 */
export type RevocationCause = "cancelled" | "moved" | "deactivated";

export type Revocation = {
  cause: RevocationCause;
  /** The one user whose access ends (deactivated); everyone's when absent. */
  userId?: number;
  at: number;
  /** Until when the provider must keep tokens issued before out: the room's close. */
  until: number;
  /** Whether tokens may have been issued (the join window has opened), so the provider must drop them. */
  atProvider: boolean;
};

/** A provider revocation not yet acknowledged: how often it failed, and when to try again. */
export type PendingRevocation = Revocation & { attempts: number; retryAt: number };

export type Revocations = {
  /** The latest revocation of everyone's access. */
  everyone?: number;
  /** The latest revocation per user id. */
  users: Record<string, number>;
  pending: PendingRevocation[];
};

export const noRevocations: Revocations = { users: {}, pending: [] };

const RETRY_FIRST_MS = 15_000;
const RETRY_MAX_MS = 5 * 60_000;

/** Records a revocation and queues its provider call. */
export function withRevocation(revocations: Revocations, revocation: Revocation): Revocations {
  const { userId, at } = revocation;
  return {
    everyone: userId === undefined ? Math.max(revocations.everyone ?? 0, at) : revocations.everyone,
    users: userId === undefined ? revocations.users : { ...revocations.users, [userId]: Math.max(revocations.users[userId] ?? 0, at) },
    pending: revocation.atProvider ? [...revocations.pending, { ...revocation, attempts: 0, retryAt: at }] : revocations.pending,
  };
}

/** True when the holder's access was checked no later than a revocation that covers them. */
export function isRevoked(revocations: Revocations, holder: { userId: number; checkedAt: number }): boolean {
  const latest = Math.max(revocations.everyone ?? 0, revocations.users[holder.userId] ?? 0);
  return holder.checkedAt <= latest;
}

/**
 * After one provider attempt: acknowledged (or nothing to call) drops it; a failure keeps it for
 * a retry with backoff, unless the room has closed meanwhile (then no token can be used anyway).
 */
export function afterProviderAttempt(
  revocations: Revocations,
  attempt: PendingRevocation,
  acknowledged: boolean,
  now: number,
): Revocations {
  const others = revocations.pending.filter((pending) => !samePending(pending, attempt));
  if (acknowledged || now >= attempt.until) return { ...revocations, pending: others };
  const retryAt = now + Math.min(RETRY_FIRST_MS * 2 ** attempt.attempts, RETRY_MAX_MS);
  return { ...revocations, pending: [...others, { ...attempt, attempts: attempt.attempts + 1, retryAt }] };
}

/** The provider revocations due by `now`. */
export function dueRevocations(revocations: Revocations, now: number): PendingRevocation[] {
  return revocations.pending.filter((pending) => pending.retryAt <= now);
}

/** When the next provider retry is due (epoch ms), if any is pending. */
export function nextRetryAt(revocations: Revocations): number | undefined {
  return revocations.pending.length === 0 ? undefined : Math.min(...revocations.pending.map((pending) => pending.retryAt));
}

/** How each kind of socket ends: a move leaves dashboards watching the appointment, which still exists. */
export function socketEndsFor(cause: RevocationCause): { signalling: SocketEndCause; events?: SocketEndCause } {
  switch (cause) {
    case "cancelled":
      return { signalling: "cancelled", events: "cancelled" };
    case "moved":
      return { signalling: "moved" };
    case "deactivated":
      return { signalling: "revoked", events: "revoked" };
  }
}

function samePending(a: PendingRevocation, b: PendingRevocation): boolean {
  return a.cause === b.cause && a.userId === b.userId && a.at === b.at;
}
