/**
 * What `npm run bench:tokens` times, shared by its Node side and its Worker in workerd
 * (bench/tokens-worker): our token builders, and the alternatives weighed for their two costly
 * steps, signing and zlib wrapping, so the choice can be re-measured in both runtimes.
 */
import { createHmac } from "node:crypto";
import { deflateSync } from "node:zlib";
import { utf8 } from "../../src/crypto/encoding";
import { buildAgoraRtcToken } from "../../src/providers/agora/access-token";
import { zlibStored } from "../../src/providers/agora/zlib-stored";
import { buildTwilioAccessToken } from "../../src/providers/twilio/access-token";

export type Work = () => unknown;

export const twilioAccount = {
  accountSid: "AC00000000000000000000000000000001",
  apiKeySid: "SK00000000000000000000000000000002",
  apiKeySecret: "api-key-secret",
};
export const agoraApp = { appId: "970ca35de60c44645bbae8a215061b33", appCertificate: "5cfd2fd1755d40ecb72977518be15d3b" };
const unixNow = () => Math.floor(Date.now() / 1000);

export const ourBuilders = {
  "Twilio Video access token": () =>
    buildTwilioAccessToken({ ...twilioAccount, identity: "patient-42", room: "appointment-7", ttlSeconds: 4800, now: unixNow() }),
  "Agora RTC token (publisher)": () =>
    buildAgoraRtcToken({
      ...agoraApp,
      channelName: "appointment-7",
      uid: 42,
      role: "publisher",
      tokenExpireSeconds: 4800,
      privilegeExpireSeconds: 4800,
      now: unixNow(),
    }),
} satisfies Record<string, Work>;

// A Twilio signing input's length, and an Agora token's content: 180 bytes that do not repeat, like its signature.
const signingInput = utf8("x".repeat(330));
const tokenContent = Uint8Array.from({ length: 180 }, (_, i) => (i * 151 + 17) % 251);
const freshKey = utf8("k".repeat(32));
let importedOnce: Promise<CryptoKey> | undefined;
const webCryptoKey = (secret: Uint8Array<ArrayBuffer>) =>
  crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);

/** How src/providers/agora compressed before zlib-stored.ts, kept here to compare against. */
async function compressionStream(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const compressed = new Blob([data]).stream().pipeThrough(new CompressionStream("deflate"));
  return new Uint8Array(await new Response(compressed).arrayBuffer());
}

/** One step each, the option in use marked "(ours)". */
export const steps = {
  "HMAC, a secret: node:crypto (ours)": () => createHmac("sha256", twilioAccount.apiKeySecret).update(signingInput).digest(),
  "HMAC, a secret: WebCrypto, key cached": async () => {
    importedOnce ??= webCryptoKey(utf8(twilioAccount.apiKeySecret));
    return crypto.subtle.sign("HMAC", await importedOnce, signingInput);
  },
  "HMAC, a fresh key: node:crypto (ours)": () => createHmac("sha256", freshKey).update(tokenContent).digest(),
  "HMAC, a fresh key: WebCrypto import+sign": async () => crypto.subtle.sign("HMAC", await webCryptoKey(freshKey), tokenContent),
  "zlib wrap: stored blocks (ours)": () => zlibStored(tokenContent),
  "zlib wrap: node:zlib deflateSync": () => deflateSync(tokenContent),
  "zlib wrap: CompressionStream (before)": () => compressionStream(tokenContent),
} satisfies Record<string, Work>;

/**
 * Calls per second over one sample, keeping `inFlight` calls outstanding at a time. The same
 * loop runs in Node and in the bench Worker, where local workerd's clock advances during
 * execution (in millisecond steps; deployed Workers freeze it until I/O).
 */
export async function opsPerSecond(work: Work, inFlight: number, sampleMs: number): Promise<number> {
  let calls = 0;
  const started = performance.now();
  while (performance.now() - started < sampleMs) {
    await Promise.all(Array.from({ length: inFlight }, work));
    calls += inFlight;
  }
  return (calls * 1000) / (performance.now() - started);
}
