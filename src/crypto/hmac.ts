import { utf8 } from "./encoding";

export type HmacHash = "SHA-1" | "SHA-256";

const keyCache = new Map<string, Promise<CryptoKey>>();

/**
 * Imports an HMAC key once per isolate for string secrets (API key secrets, auth tokens), since
 * `importKey` costs as much as the HMAC itself; byte keys (derived per call) are never cached.
 */
export function hmacKey(secret: string | Uint8Array<ArrayBuffer>, hash: HmacHash): Promise<CryptoKey> {
  const importIt = () =>
    crypto.subtle.importKey("raw", typeof secret === "string" ? utf8(secret) : secret, { name: "HMAC", hash }, false, ["sign", "verify"]);
  if (typeof secret !== "string") return importIt();
  const cacheKey = `${hash}:${secret}`;
  let key = keyCache.get(cacheKey);
  if (!key) {
    key = importIt();
    keyCache.set(cacheKey, key);
  }
  return key;
}

export async function hmac(
  secret: string | Uint8Array<ArrayBuffer>,
  hash: HmacHash,
  data: string | Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  const key = await hmacKey(secret, hash);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, typeof data === "string" ? utf8(data) : data));
}

/** Constant-time check of a received MAC: WebCrypto's verify compares without early exit. */
export async function hmacMatches(
  secret: string,
  hash: HmacHash,
  data: string | Uint8Array<ArrayBuffer>,
  received: Uint8Array<ArrayBuffer>,
): Promise<boolean> {
  const key = await hmacKey(secret, hash);
  return crypto.subtle.verify("HMAC", key, received, typeof data === "string" ? utf8(data) : data);
}

/**
 * Compares two byte strings without an early exit, for MACs that are truncated (WebCrypto's
 * verify takes only the whole MAC). The length is not secret.
 */
export function equalInConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}
