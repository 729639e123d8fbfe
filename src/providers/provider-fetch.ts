/**
 * How this service calls a provider's REST API while someone waits (an API caller, or the room
 * object's alarm): every attempt has a timeout (PROVIDER_TIMEOUT_MS, from the configuration), and
 * a failure that may pass by itself (no answer, a timeout, 408, 429, 5xx) is tried again a few
 * times after a short randomized wait. Retries add at most RETRY_BUDGET_MS to a call, waits and
 * later attempts together, so an outage costs a request seconds, never minutes: then the caller
 * answers 502, and the room object's alarm tries again later.
 */

/** Calls in all, the first included. */
export const PROVIDER_ATTEMPTS = 3;
/** The first retry waits up to this long; each later one up to twice as long as the one before. */
const BACKOFF_BASE_MS = 250;
/** What retries may add to one call, waits and later attempts together. */
export const RETRY_BUDGET_MS = 2_500;

/** Statuses a provider answers when the moment is wrong, not the request: another try may succeed. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Exponential backoff with full jitter: a uniform wait in [0, base·2^retry), so callers that
 * failed together do not retry together. `retry` counts from 0; `random` is Math.random's shape.
 *
 * @example backoffDelayMs(1, () => 0.5) // 250
 */
export function backoffDelayMs(retry: number, random: () => number): number {
  return Math.floor(random() * BACKOFF_BASE_MS * 2 ** retry);
}

/**
 * A Retry-After header in milliseconds from `now`: delta-seconds or an HTTP date; undefined when
 * absent or unreadable. A date already past means "now".
 */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP date names its weekday; Date.parse alone would read "-1" as the year 1 BC.
  const at = /^[a-z]{3},/i.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The wait before retry number `retry` (0 for the first), or undefined to give up: no attempts
 * left, or the wait (the provider's Retry-After when it gave one, else backoff) would not fit in
 * `budgetLeftMs`. A Retry-After longer than the budget is honoured by not retrying at all.
 */
export function retryWaitMs({
  retry,
  retryAfter,
  budgetLeftMs,
  random,
}: {
  retry: number;
  retryAfter: number | undefined;
  budgetLeftMs: number;
  random: () => number;
}): number | undefined {
  if (retry + 1 >= PROVIDER_ATTEMPTS) return undefined;
  const wait = retryAfter ?? backoffDelayMs(retry, random);
  return wait < budgetLeftMs ? wait : undefined;
}

/**
 * Fetches with a timeout per attempt, retrying what may pass (see `isRetryableStatus`) within the
 * budget. Resolves to the last answer, which the caller reads as it would any answer, or to
 * undefined when the provider never answered (unreachable, or timed out every time). For calls
 * that may be repeated safely only: reads, and writes that come to the same either way.
 */
export async function fetchWithRetries(
  url: string,
  init: RequestInit,
  { timeoutMs, random = Math.random }: { timeoutMs: number; random?: () => number },
): Promise<Response | undefined> {
  const deadline = Date.now() + timeoutMs + RETRY_BUDGET_MS;
  let waited = 0;
  for (let retry = 0; ; retry++) {
    const response = await fetchWithTimeout(url, init, Math.min(timeoutMs, deadline - Date.now()));
    if (response && !isRetryableStatus(response.status)) return response;
    const wait = retryWaitMs({
      retry,
      retryAfter: response?.status === 429 ? retryAfterMs(response.headers.get("retry-after"), Date.now()) : undefined,
      budgetLeftMs: Math.min(RETRY_BUDGET_MS - waited, deadline - Date.now()),
      random,
    });
    if (wait === undefined) return response;
    console.log(
      JSON.stringify({ event: "provider_call_retried", host: new URL(url).host, outcome: response?.status ?? "no_answer", wait_ms: wait }),
    );
    await response?.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, wait));
    waited += wait;
  }
}

/** One attempt; a thrown fetch (DNS, reset, timeout) is no answer rather than an exception. */
export async function fetchWithTimeout(url: string, init: RequestInit, timeoutMs: number): Promise<Response | undefined> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(Math.max(1, timeoutMs)) });
  } catch {
    return undefined;
  }
}
