import { classifySendFailure, type SendFailure, type SendFailureVerdict } from "./send-failure";

/**
 * What a provider made of one send. `error` is for the ledger and logs: provider, HTTP status and
 * error code only, never the provider's message, which may quote the address or number.
 */
export type SendResult = { ok: true; providerMessageId: string } | { ok: false; verdict: SendFailureVerdict; error: string };

/** How long a provider gets to answer before the send counts as a network error and is retried. */
export const PROVIDER_TIMEOUT_MS = 10_000;

export function sendFailed(provider: string, failure: SendFailure): SendResult {
  const error = failure.networkError
    ? `${provider} network_error`
    : `${provider} ${failure.status ?? "no_status"}${failure.providerCode !== undefined ? ` code ${failure.providerCode}` : ""}`;
  return { ok: false, verdict: classifySendFailure(failure), error };
}

/**
 * POSTs to a provider, turning a thrown fetch (DNS, reset, timeout) into a retryable network
 * failure instead of an exception.
 */
export async function postToProvider(url: string, init: RequestInit): Promise<Response | undefined> {
  try {
    return await fetch(url, { ...init, method: "POST", signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS) });
  } catch {
    return undefined;
  }
}

/** The body as JSON, or undefined: error bodies are not always JSON. */
export async function jsonOrUndefined(response: Response): Promise<unknown> {
  return response.json().catch(() => undefined);
}
