import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Field-level messages for 400s, keyed by the input field's name. */
export type ErrorDetails = Record<string, string[]>;

/**
 * The one error type of the API. Routes throw it; `errorResponse` turns it into the
 * `{"error": "..."}` body the front ends already parse.
 */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly details?: ErrorDetails,
    /**
     * `headers` the answer carries, such as a 429's `Retry-After`; `reason`, a short code saying
     * why for the audit trail, where the message may carry health data (times, names).
     */
    readonly extra: { headers?: Record<string, string>; reason?: string } = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const badRequest = (message: string, details?: ErrorDetails) => new ApiError(400, message, details);
export const unauthorized = (message: string) => new ApiError(401, message);
export const permissionDenied = () => new ApiError(403, "Permission denied");
export const notFound = (message: string) => new ApiError(404, message);
export const tooManyRequests = (retryAfterSeconds: number) =>
  new ApiError(429, "Too many requests: slow down and try again shortly", undefined, {
    headers: { "Retry-After": String(retryAfterSeconds) },
  });

/** Settings with values that cannot be right, named one by one: found when the configuration is parsed. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join("; ")}`);
    this.name = "ConfigError";
  }
}

/** What to log about a caught error: its class only, since messages may carry health data or secrets. */
export function errorKind(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}

/** Maps anything thrown by a route to a JSON error; unexpected errors never leak their message. */
export function errorResponse(err: unknown, c: Context): Response {
  if (err instanceof ApiError) {
    const body = err.details ? { error: err.message, details: err.details } : { error: err.message };
    return c.json(body, err.status, err.extra.headers);
  }
  // Hono's own (415 for a body that is not JSON). Its 400 is a body the validator could not
  // read ("Malformed JSON in request body"): like every other 400, it names the field, the body.
  if (err instanceof HTTPException && err.status < 500) {
    const message = err.message || "Bad request";
    return c.json(err.status === 400 ? { error: message, details: { body: [message] } } : { error: message }, err.status);
  }
  // A broken deployment says what to fix: setting names and what they must be, never values of secrets.
  if (err instanceof ConfigError) {
    console.error(JSON.stringify({ event: "config_invalid", problems: err.problems }));
    return c.json({ error: err.message }, 500);
  }
  console.error(JSON.stringify({ event: "unhandled_error", kind: errorKind(err) }));
  return c.json({ error: "Internal server error" }, 500);
}
