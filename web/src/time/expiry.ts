/**
 * When to renew a provider token, so expiry never interrupts a session. All times are the
 * server's (see server-clock.ts), since `expires_at` is.
 *
 * - Renew quietly REFRESH_LEAD_MS before `expires_at`: long enough for a slow network and a
 *   retry or two, short enough that the server's fresh token covers the rest of the session.
 * - A failed renewal is retried every RETRY_MS, silently at first; the person is warned only
 *   once a renewal has failed, because only then might the call really end.
 */
export const REFRESH_LEAD_MS = 5 * 60_000;
export const RETRY_MS = 30_000;

/** Delay from `now` until the renewal of a token that expires at `expiresAt` is due (0: now). */
export function refreshDelay(expiresAt: number, now: number): number {
  return Math.max(0, expiresAt - REFRESH_LEAD_MS - now);
}

/** Delay until the next attempt after a failed one: every RETRY_MS, but still once just before expiry. */
export function retryDelay(expiresAt: number, now: number): number {
  return Math.max(0, Math.min(RETRY_MS, expiresAt - now - 1000));
}

/** The ms instant a token expires, from the API's ISO string (NaN-safe: an unreadable one counts as expired now). */
export function expiryOf(connection: { expires_at: string }): number {
  const at = Date.parse(connection.expires_at);
  return Number.isNaN(at) ? 0 : at;
}
