import jwt from "@tsndr/cloudflare-worker-jwt";
import { unauthorized } from "../base/errors";
import { hmacVerificationKey } from "../crypto/hmac";

const verificationFailures: Record<string, string> = {
  EXPIRED: "Token has expired",
  NOT_YET_VALID: "Token is not yet valid",
  INVALID_SIGNATURE: "Invalid token: bad signature",
};

/** The payload of a token whose signature, `nbf` and `exp` (required) hold at `now`. */
export async function verifiedPayload(
  token: string,
  key: Parameters<typeof jwt.verify>[1],
  algorithm: string,
  now: number,
): Promise<Record<string, unknown>> {
  const verified = await verificationKey(key, algorithm)
    .then((usable) => jwt.verify(token, usable, { algorithm, throwError: true }))
    .catch((err: unknown) => {
      throw unauthorized(verificationFailures[err instanceof Error ? err.message : ""] ?? "Invalid token");
    });
  const payload = (verified?.payload ?? {}) as Record<string, unknown>;
  if (typeof payload.exp !== "number") throw unauthorized("Invalid token: missing exp");
  // The library skips its expiry check for a falsy `exp`, so `exp: 0` would never expire.
  if (payload.exp <= now) throw unauthorized(verificationFailures.EXPIRED!);
  return payload;
}

/**
 * A shared secret is imported once per isolate (`hmacVerificationKey`): every caller's request verifies a
 * token, and importing the key costs as much as the verification. Other keys pass through.
 */
function verificationKey(key: Parameters<typeof jwt.verify>[1], algorithm: string): Promise<Parameters<typeof jwt.verify>[1]> {
  return algorithm === "HS256" && typeof key === "string" && key !== "" ? hmacVerificationKey(key, "SHA-256") : Promise.resolve(key);
}
