import type jwt from "@tsndr/cloudflare-worker-jwt";
import type { Caller } from "../base/caller";
import { unauthorized } from "../base/errors";
import { fromBase64, fromUtf8 } from "../crypto/encoding";
import { callerFromClaims } from "./claims";
import { findJwksKey } from "./jwks";
import { verifiedPayload } from "./jwt-payload";
import { sessionTokenKid, verifySessionToken } from "./session-token";

export type TokenConfig = {
  secret: string;
  /** Verifies the session-scoped tokens this service issues for personal join links. */
  sessionSecret?: string;
  issuer?: string;
  audience?: string;
  jwksUrl?: string;
  /** The longest a platform token may live, from `iat` (or from now, without one) to `exp`. */
  maxAgeSeconds?: number;
};

/** A day: the platform's sessions are shorter; a token meant to last a century is a stolen-key risk. */
export const DEFAULT_JWT_MAX_AGE_SECONDS = 24 * 60 * 60;
/** Clocks differ by a little; a token issued further ahead than this was not issued now. */
const CLOCK_SKEW_SECONDS = 60;

const asymmetricAlgorithms = new Set(["RS256", "ES256"]);

/**
 * Verifies a caller's bearer token and returns who they are. The algorithm is pinned by what
 * the key is (shared secret → HS256, JWKS → RS256/ES256), never trusted from the header alone,
 * so `alg: none` and algorithm-confusion tokens fail.
 */
export async function verifyCallerToken(token: string, config: TokenConfig, now = Math.floor(Date.now() / 1000)): Promise<Caller> {
  const header = decodeHeader(token);
  if (header.kid === sessionTokenKid) return verifySessionToken(token, config.sessionSecret ?? "", now);
  const algorithm = header.alg;
  let key: Parameters<typeof jwt.verify>[1];
  if (algorithm === "HS256") {
    key = config.secret;
  } else if (typeof algorithm === "string" && asymmetricAlgorithms.has(algorithm) && config.jwksUrl) {
    key = await findJwksKey(config.jwksUrl, typeof header.kid === "string" ? header.kid : undefined);
    if (!key) throw unauthorized("Invalid token: unknown signing key");
  } else {
    throw unauthorized("Invalid token: unsupported algorithm");
  }

  const payload = await verifiedPayload(token, key, algorithm, now);
  const issuedAt = typeof payload.iat === "number" ? payload.iat : undefined;
  if (issuedAt !== undefined && issuedAt > now + CLOCK_SKEW_SECONDS) throw unauthorized("Invalid token: issued in the future");
  if ((payload.exp as number) - (issuedAt ?? now) > (config.maxAgeSeconds ?? DEFAULT_JWT_MAX_AGE_SECONDS))
    throw unauthorized("Invalid token: lives longer than allowed");
  if (config.issuer && payload.iss !== config.issuer) throw unauthorized("Invalid token: wrong issuer");
  if (config.audience && !audienceMatches(payload.aud, config.audience)) throw unauthorized("Invalid token: wrong audience");

  const caller = callerFromClaims(payload);
  if (!caller) throw unauthorized("Invalid token: missing or invalid claims");
  return caller;
}

function decodeHeader(token: string): Record<string, unknown> {
  const parts = token.split(".");
  if (parts.length !== 3 || parts.some((part) => part.length === 0 && part !== parts[2])) {
    throw unauthorized("Invalid token: malformed");
  }
  try {
    const header: unknown = JSON.parse(fromUtf8(fromBase64(parts[0]!)));
    if (header && typeof header === "object") return header as Record<string, unknown>;
  } catch {
    // fall through to the malformed error
  }
  throw unauthorized("Invalid token: malformed");
}

function audienceMatches(aud: unknown, expected: string): boolean {
  return aud === expected || (Array.isArray(aud) && aud.includes(expected));
}
