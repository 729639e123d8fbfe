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
