import { z } from "@hono/zod-openapi";
import { badRequest } from "../../base/errors";
import { toHex, utf8 } from "../../crypto/encoding";

/** 1 to 255 visible ASCII characters (no spaces): a UUID fits, and so does any key a client library makes. */
export const idempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, "Must be 1 to 255 visible ASCII characters")
  .openapi({
    description:
      "Makes the request safe to retry: a retry with the same key and body gets the first success again instead of " +
      "booking twice; the same key with another request is a 422, and while the first is still running a 409. " +
      "Keys are the caller's own and last 24 hours; an error is not remembered, so a corrected request may reuse its key.",
    example: "5f0c8a4e-2b7d-4e51-9c3a-8d1e6f7a2b90",
  });

/**
 * The header as a route's `request.headers`: documented and validated like any input. The
 * `idempotent` middleware runs before the route's validators, so it checks the key first with the
 * same schema (`idempotencyKeyFrom`), and no malformed key is ever stored.
 */
export const idempotencyHeadersSchema = z.object({ "Idempotency-Key": idempotencyKeySchema.optional() });

/** The request's key, undefined without the header; a 400 naming the header when it is not a valid key. */
export function idempotencyKeyFrom(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const parsed = idempotencyKeySchema.safeParse(header);
  if (parsed.success) return parsed.data;
  const messages = parsed.error.issues.map((issue) => issue.message);
  throw badRequest(`Invalid Idempotency-Key: ${messages[0]}`, { "Idempotency-Key": messages });
}

/**
 * SHA-256 (hex) of the method, the path and the body byte for byte: what a key is bound to, so the
 * same key sent to another endpoint or with another body is told apart from a retry.
 */
export async function requestFingerprint(method: string, path: string, body: ArrayBuffer): Promise<string> {
  const head = utf8(`${method} ${path}\n`);
  const message = new Uint8Array(head.length + body.byteLength);
  message.set(head);
  message.set(new Uint8Array(body), head.length);
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", message)));
}
