import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../../base/app-env";
import { ApiError, errorKind } from "../../base/errors";
import { errorBodySchema, jsonResponse } from "../../base/router";
import { nowSeconds } from "../../time/iso";
import { idempotencyKeyFrom, requestFingerprint } from "./idempotency-key";
import {
  claimIdempotencyKey,
  type IdempotencyRecord,
  type IdempotencyRequest,
  releaseIdempotencyKey,
  saveIdempotentAnswer,
} from "./idempotency-records";

/** The two refusals of a key already in use, for a route's `responses`. */
export const idempotencyResponses = {
  409: jsonResponse(errorBodySchema, "A request with this Idempotency-Key is still in progress"),
  422: jsonResponse(errorBodySchema, "This Idempotency-Key was already used with a different request"),
} as const;

/**
 * Makes a create route safe to retry with an `Idempotency-Key` (each caller's own): the first
 * request claims the key before it runs, and a retry with the same method, path and body gets the
 * first success again, status and body, without running. Only a success is kept. The create routes
 * refuse (4xx) before they store anything, so after a refusal the key is given back and a retry,
 * corrected or not, runs again; after a 5xx too, as those are mostly passing failures (Stripe keeps
 * them instead), at the price that a 5xx after the row was stored lets a retry book again.
 * Without the header the route runs as it always did. Runs after `requireCaller` (whose user id scopes the key).
 *
 * @example
 * const createRoute = authedRoute({
 *   method: "post",
 *   path: "/api/appointments/",
 *   middleware: [idempotent] as const,
 *   request: { headers: idempotencyHeadersSchema, body: jsonBody(createAppointmentSchema) },
 *   responses: { 201: jsonResponse(appointmentDetailSchema, "Booked"), ...errorResponses, ...idempotencyResponses },
 * });
 */
export const idempotent = createMiddleware<AppEnv>(async function idempotent(c, next) {
  const key = idempotencyKeyFrom(c.req.header("idempotency-key"));
  if (key === undefined) return next();
  // Hono keeps the body it read, so the route's validator still reads it after this.
  const requestHash = await requestFingerprint(c.req.method, c.req.path, await c.req.arrayBuffer());
  const request: IdempotencyRequest = { userId: c.get("caller").id, key, requestHash };
  const claim = await claimIdempotencyKey(c.env.DB, request, nowSeconds());
  if (!claim.claimed) return replay(c, claim.record, requestHash);
  await next();
  await settle(c, request);
});

/** The first request's answer for a retry of it; a 422 for another request, a 409 while the first still runs. */
function replay(c: Context<AppEnv>, record: IdempotencyRecord, requestHash: string): Response {
  if (record.request_hash !== requestHash) throw new ApiError(422, "Idempotency-Key was already used with a different request");
  if (record.response_status === null || record.response_body === null) {
    throw new ApiError(409, "A request with this Idempotency-Key is still in progress");
  }
  return c.body(record.response_body, record.response_status as ContentfulStatusCode, { "Content-Type": "application/json" });
}

/**
 * Keeps a success for the retries, or gives the key back. A failure here is logged, not thrown: the
 * route's work is done and its answer stands; retries hear 409 until the claim's lease runs out.
 */
async function settle(c: Context<AppEnv>, request: IdempotencyRequest): Promise<void> {
  const { status } = c.res;
  try {
    if (status >= 200 && status < 300) await saveIdempotentAnswer(c.env.DB, request, { status, body: await c.res.clone().text() });
    else await releaseIdempotencyKey(c.env.DB, request);
  } catch (err) {
    console.error(JSON.stringify({ event: "idempotency_settle_failed", user_id: request.userId, status, kind: errorKind(err) }));
  }
}
