import { isRetryableStatus } from "./provider-fetch";

/**
 * What a provider made of one send, and what to do when a WhatsApp or email send fails: try
 * again later, or record it as undeliverable (so the ledger shows why, instead of the queue
 * retrying into the dead-letter queue).
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
  if (isRetryableStatus(status)) return "retry";
  return status >= 400 ? "permanent" : "retry";
}

/**
 * What a provider made of one send. `error` is for the ledger and logs: provider, HTTP status and
 * error code only, never the provider's message, which may quote the address or number.
 */
export type SendResult = { ok: true; providerMessageId: string } | { ok: false; verdict: SendFailureVerdict; error: string };

export function sendFailed(provider: string, failure: SendFailure): SendResult {
  const error = failure.networkError
    ? `${provider} network_error`
    : `${provider} ${failure.status ?? "no_status"}${failure.providerCode !== undefined ? ` code ${failure.providerCode}` : ""}`;
  return { ok: false, verdict: classifySendFailure(failure), error };
}

/** The body as JSON, or undefined: error bodies are not always JSON. */
export async function jsonOrUndefined(response: Response): Promise<unknown> {
  return response.json().catch(() => undefined);
}
