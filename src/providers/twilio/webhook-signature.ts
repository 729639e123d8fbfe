import { fromBase64, toBase64 } from "../../crypto/encoding";
import { hmac, hmacMatches } from "../../crypto/hmac";

/** Form fields in the order received; a list rather than a record so repeated names survive. */
export type FormParams = ReadonlyArray<readonly [name: string, value: string]>;

/**
 * The `X-Twilio-Signature` Twilio sends: base64 HMAC-SHA1, keyed by the auth token, over the
 * full URL followed by every POST field's name and value, names sorted, and a repeated name's
 * values de-duplicated and sorted.
 *
 * @example
 * const signature = await twilioSignature(authToken, "https://edge.example.com/webhooks/twilio", [["RoomSid", "RM..."]]);
 */
export async function twilioSignature(authToken: string, url: string, params: FormParams): Promise<string> {
  return toBase64(hmac(authToken, "SHA-1", signedText(url, params)));
}

/**
 * True when `signature` is Twilio's signature of this request. The URL is tried as received
 * with its port removed and with the scheme's default port added, as Twilio's own validator
 * does, because proxies and Twilio may disagree on whether `:443` is part of the URL.
 * Compares in constant time.
 */
export async function verifyTwilioSignature({
  authToken,
  url,
  params,
  signature,
}: {
  authToken: string;
  url: string;
  params: FormParams;
  signature: string | null | undefined;
}): Promise<boolean> {
  const received = signature ? decodeBase64(signature) : undefined;
  if (!received) return false;
  const matches = await Promise.all(
    urlWithAndWithoutPort(url).map((candidate) => hmacMatches(authToken, "SHA-1", signedText(candidate, params), received)),
  );
  return matches.includes(true);
}

function signedText(url: string, params: FormParams): string {
  const valuesByName = new Map<string, Set<string>>();
  for (const [name, value] of params) {
    const values = valuesByName.get(name) ?? new Set<string>();
    values.add(value);
    valuesByName.set(name, values);
  }
  let text = url;
  for (const name of [...valuesByName.keys()].sort()) {
    for (const value of [...(valuesByName.get(name) ?? [])].sort()) text += name + value;
  }
  return text;
}

const SCHEME_AND_AUTHORITY = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i;

/**
 * The URL without its port and with the default port, split by hand rather than by `new URL()`,
 * which would re-encode the path and query Twilio signed character for character.
 */
function urlWithAndWithoutPort(url: string): string[] {
  const match = SCHEME_AND_AUTHORITY.exec(url);
  const scheme = match?.[1];
  const authority = match?.[2];
  if (scheme === undefined || authority === undefined) return [url];
  const rest = url.slice(scheme.length + authority.length);
  const userInfo = authority.slice(0, authority.lastIndexOf("@") + 1);
  const hostAndPort = authority.slice(userInfo.length);
  // In an IPv6 literal the colons inside the brackets are not the port's.
  const portColon = hostAndPort.indexOf(":", hostAndPort.lastIndexOf("]") + 1);
  const host = portColon === -1 ? hostAndPort : hostAndPort.slice(0, portColon);
  const defaultPort = scheme.toLowerCase() === "https://" ? ":443" : ":80";
  const withPort = portColon === -1 ? scheme + userInfo + host + defaultPort + rest : url;
  return [scheme + userInfo + host + rest, withPort];
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  try {
    return fromBase64(text);
  } catch {
    return undefined;
  }
}
