import { fromBase64, utf8 } from "../../../src/crypto/encoding";

/** Splits a compact JWT into its decoded header and payload and the bytes its signature covers. */
export function decodeJwt(token: string) {
  const [header = "", payload = "", signature = ""] = token.split(".");
  const json = (segment: string) => JSON.parse(new TextDecoder().decode(fromBase64(segment))) as Record<string, unknown>;
  return { header: json(header), payload: json(payload), signingInput: utf8(`${header}.${payload}`), signature: fromBase64(signature) };
}

/** Checks an HS256 signature with WebCrypto directly, independent of the code under test. */
export async function verifiesHs256(token: string, secret: string): Promise<boolean> {
  const { signingInput, signature } = decodeJwt(token);
  const key = await crypto.subtle.importKey("raw", utf8(secret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
  return crypto.subtle.verify("HMAC", key, signature, signingInput);
}
