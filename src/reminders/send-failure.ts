/**
 * What to do when a WhatsApp or email send fails: try again later, or record it as undeliverable
 * (so the ledger shows why, instead of the queue retrying into the dead-letter queue).
 */

export type SendFailureVerdict = "retry" | "permanent";

export interface SendFailure {
  /** HTTP status of the provider's response, when there was one. */
  status?: number;
  /** True when no response arrived at all: DNS, connection reset, timeout. */
  networkError?: boolean;
  /** The provider's own error code, e.g. Twilio's `code` field. */
  providerCode?: number;
}

/**
 * Twilio errors about the recipient, not the moment; sending again cannot help.
 * 21211 invalid "To" number, 21408 region not enabled, 21610 recipient replied STOP,
 * 21614 not a mobile number, 63016 outside the WhatsApp 24-hour window without a template.
 */
const PERMANENT_PROVIDER_CODES = new Set([21211, 21408, 21610, 21614, 63016]);

/**
 * Classifies a failed send: network errors, 408, 429 and 5xx are retried; other 4xx and the
 * known recipient errors are permanent. A failure with no detail is retried, since the queue's
 * retry limit bounds it and a lost reminder is worse than a late one.
 *
 * @example classifySendFailure({ status: 400, providerCode: 21610 }) // "permanent"
 */
export function classifySendFailure({ status, networkError, providerCode }: SendFailure): SendFailureVerdict {
  if (providerCode !== undefined && PERMANENT_PROVIDER_CODES.has(providerCode)) return "permanent";
  if (networkError || status === undefined) return "retry";
  if (status === 408 || status === 429 || status >= 500) return "retry";
  return status >= 400 ? "permanent" : "retry";
}

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
