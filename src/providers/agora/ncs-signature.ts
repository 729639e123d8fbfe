import { fromHex } from "../../crypto/encoding";
import { hmacMatches } from "../../crypto/hmac";

/**
 * True when an Agora Notifications (NCS) callback carries a valid signature of its raw body.
 * `Agora-Signature-V2` (hex HMAC-SHA256 with the NCS secret) is checked when present; the older
 * `Agora-Signature` (hex HMAC-SHA1) only when V2 is absent, so a caller cannot downgrade a
 * request that has V2 by also sending a V1. Compares in constant time.
 *
 * The body must be the bytes received: re-serialised JSON would not match what Agora signed.
 *
 * @example
 * const ok = await verifyAgoraNcsSignature({
 *   secret,
 *   rawBody: await c.req.text(),
 *   signatureV2: c.req.header("Agora-Signature-V2"),
 *   signatureV1: c.req.header("Agora-Signature"),
 * });
 */
export async function verifyAgoraNcsSignature({
  secret,
  rawBody,
  signatureV2,
  signatureV1,
}: {
  secret: string;
  rawBody: string | Uint8Array<ArrayBuffer>;
  signatureV2?: string | null;
  signatureV1?: string | null;
}): Promise<boolean> {
  const [hash, signature] = signatureV2 != null ? (["SHA-256", signatureV2] as const) : (["SHA-1", signatureV1] as const);
  const received = signature == null ? undefined : fromHex(signature);
  if (!received) return false;
  return hmacMatches(secret, hash, rawBody, received);
}
