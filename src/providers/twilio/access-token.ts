import { toBase64Url, utf8 } from "../../crypto/encoding";
import { hmac } from "../../crypto/hmac";

export interface TwilioAccessTokenInput {
  accountSid: string;
  apiKeySid: string;
  apiKeySecret: string;
  identity: string;
  room: string;
  ttlSeconds: number;
  /** Unix seconds. */
  now: number;
}

export interface TwilioAccessToken {
  token: string;
  /** Unix seconds, the token's `exp`. */
  expiresAt: number;
}

// The header never changes, so it is encoded once per isolate rather than per token.
const encodedHeader = toBase64Url(utf8(JSON.stringify({ alg: "HS256", typ: "JWT", cty: "twilio-fpa;v=1" })));

/**
 * Builds a Twilio Video Access Token (an HS256 JWT signed with the API key secret) granting
 * `identity` entry to `room`.
 *
 * @example
 * const { token } = await buildTwilioAccessToken({ accountSid, apiKeySid, apiKeySecret,
 *   identity: "patient-42", room: "appt-7", ttlSeconds: 3600, now: Math.floor(Date.now() / 1000) });
 */
export async function buildTwilioAccessToken(input: TwilioAccessTokenInput): Promise<TwilioAccessToken> {
  const issuedAt = Math.floor(input.now);
  const expiresAt = issuedAt + input.ttlSeconds;
  // Claim order follows the twilio SDK (its own claims, then jsonwebtoken's iat, exp, iss, sub),
  // so for the same clock our token is byte-identical to the SDK's.
  const payload = {
    jti: `${input.apiKeySid}-${issuedAt}`,
    grants: { identity: input.identity, video: { room: input.room } },
    iat: issuedAt,
    exp: expiresAt,
    iss: input.apiKeySid,
    sub: input.accountSid,
  };
  const signingInput = `${encodedHeader}.${toBase64Url(utf8(JSON.stringify(payload)))}`;
  const signature = hmac(input.apiKeySecret, "SHA-256", signingInput);
  return { token: `${signingInput}.${toBase64Url(signature)}`, expiresAt };
}
