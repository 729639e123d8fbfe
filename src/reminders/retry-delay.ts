const FIRST_RETRY_SECONDS = 15;
/** The 15-minute reminder has a 10-minute grace window; waits beyond 5 minutes would outlive it. */
const MAX_RETRY_SECONDS = 5 * 60;

/**
 * Seconds to wait before retry number `attempt` (1 for the first retry): 15, 30, 60, 120, 240,
 * then 300 for every later one. No jitter, so when a retry happens can be predicted and tested.
 */
export function retryDelaySeconds(attempt: number): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be a whole number from 1, got ${attempt}`);
  return Math.min(MAX_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** (attempt - 1));
}
