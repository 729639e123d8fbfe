import { createHmac } from "node:crypto";
import { utf8 } from "./encoding";

export type HmacHash = "SHA-1" | "SHA-256";

const nodeHashName = { "SHA-1": "sha1", "SHA-256": "sha256" } as const;

/**
 * The HMAC of `data`, computed synchronously with `node:crypto` (native in Node and, through
 * `nodejs_compat`, in workerd). Measured by `npm run bench:tokens`: in Node, WebCrypto's
 * `subtle.sign` runs on the thread pool, so every call costs an async hop (token builders
 * issued one at a time ran at about half the official SDKs' speed); in workerd both are native,
 * and createHmac is as fast with a string key and two to three times faster with a fresh byte key,
 * which WebCrypto must import first (the Agora signing chain derives one per token).
 */
export function hmac(
  secret: string | Uint8Array<ArrayBuffer>,
  hash: HmacHash,
  data: string | Uint8Array<ArrayBuffer>,
): Uint8Array<ArrayBuffer> {
  const digest = createHmac(nodeHashName[hash], secret).update(data).digest();
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength) as Uint8Array<ArrayBuffer>;
}

const keyCache = new Map<string, Promise<CryptoKey>>();

/** Imports a verification key once per isolate per secret, since `importKey` costs as much as the HMAC itself. */
export function hmacVerificationKey(secret: string, hash: HmacHash): Promise<CryptoKey> {
  const cacheKey = `${hash}:${secret}`;
  let key = keyCache.get(cacheKey);
  if (!key) {
    key = crypto.subtle.importKey("raw", utf8(secret), { name: "HMAC", hash }, false, ["verify"]);
    keyCache.set(cacheKey, key);
  }
  return key;
}

/** Constant-time check of a received MAC: WebCrypto's verify compares without early exit. */
export async function hmacMatches(
  secret: string,
  hash: HmacHash,
  data: string | Uint8Array<ArrayBuffer>,
  received: Uint8Array<ArrayBuffer>,
): Promise<boolean> {
  const key = await hmacVerificationKey(secret, hash);
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
