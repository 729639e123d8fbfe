const LATE_JOIN_AND_OVERRUN_MINUTES = 30;
const MIN_TTL_MINUTES = 60;
const MAX_TTL_MINUTES = 240;

/**
 * How long a video token for an appointment stays valid, the same rule for Twilio and Agora:
 * the session plus slack for joining late or running over, at least an hour so short calls
 * survive a reconnect, and at most four hours so a leaked token does not stay useful for long.
 *
 * @example tokenTtlMinutes(50) // 80
 */
export function tokenTtlMinutes(durationMinutes: number): number {
  return Math.min(Math.max(durationMinutes + LATE_JOIN_AND_OVERRUN_MINUTES, MIN_TTL_MINUTES), MAX_TTL_MINUTES);
}

/** A first token for entering the room, or a renewal for someone already in it or reconnecting. */
export type TokenPurpose = "join" | "renewal";

/**
 * When a video token issued at `now` expires, for Twilio and Agora alike. A first token lives
 * `tokenTtlMinutes`. A renewal lasts until the room closes (the session's end plus its 30-minute
 * buffer) and no longer: Twilio checks a token only when a client connects or reconnects, so a
 * reconnect late in an overrunning session must still succeed; Agora drops a user whose
 * privileges lapse, so the call must not end before the room does.
 *
 * @example tokenExpiresAt("join", { durationMinutes: 50, roomClosesAt }, now) // now + 80 * 60
 */
export function tokenExpiresAt(purpose: TokenPurpose, session: { durationMinutes: number; roomClosesAt: number }, now: number): number {
  return purpose === "renewal" ? session.roomClosesAt : now + tokenTtlMinutes(session.durationMinutes) * 60;
}
