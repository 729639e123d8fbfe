import { toBase64 } from "../../crypto/encoding";
import { hmac } from "../../crypto/hmac";
import { LittleEndianWriter, uint32Bytes } from "./packing";
import { zlibStored } from "./zlib-stored";

/** A publisher may send audio, video and data; a subscriber may only join and receive. */
export type AgoraRtcRole = "publisher" | "subscriber";

export interface AgoraRtcTokenInput {
  appId: string;
  appCertificate: string;
  channelName: string;
  /** 0 lets any uid join with the token, as in Agora's builders. */
  uid: number;
  role: AgoraRtcRole;
  /** Seconds after issue until the whole token expires. */
  tokenExpireSeconds: number;
  /** Seconds after issue until the join and publish privileges expire. */
  privilegeExpireSeconds: number;
  /** Unix seconds. */
  now: number;
  /** Overrides the issue time (default: `now`), to reproduce known tokens. */
  issueTs?: number;
  /** Overrides the random salt (1..99999999), to reproduce known tokens. */
  salt?: number;
}

export interface AgoraRtcToken {
  token: string;
  /** Unix seconds when the token as a whole expires. */
  expiresAt: number;
}

const VERSION = "007";
const RTC_SERVICE = 1;
const JOIN_CHANNEL = 1;
const PUBLISH_PRIVILEGES = [2, 3, 4]; // audio, video, data streams
const MAX_SALT = 99_999_999;
const HEX_ID = /^[0-9a-fA-F]{32}$/;

/**
 * Builds an Agora RTC token (AccessToken2, version "007") for one uid in one channel: the
 * content `agora-token`'s `RtcTokenBuilder.buildTokenWithUid` builds, in a zlib stream its
 * decoder and Agora's servers inflate alike (uncompressed: see zlib-stored.ts for why).
 * Async like the provider calls beside it: callers build tokens through buildingToken, which takes a promise.
 *
 * @example
 * const { token } = await buildAgoraRtcToken({ appId, appCertificate, channelName: "appt-7",
 *   uid: 42, role: "publisher", tokenExpireSeconds: 3600, privilegeExpireSeconds: 3600, now });
 */
export async function buildAgoraRtcToken(input: AgoraRtcTokenInput): Promise<AgoraRtcToken> {
  if (!HEX_ID.test(input.appId) || !HEX_ID.test(input.appCertificate)) {
    throw new Error("Agora app ID and app certificate must be 32 hex characters");
  }
  if (!Number.isInteger(input.uid) || input.uid < 0 || input.uid > 0xffff_ffff) {
    throw new Error("Agora uid must be an unsigned 32-bit integer");
  }
  const issueTs = input.issueTs ?? Math.floor(input.now);
  const salt = input.salt ?? randomSalt();

  const signingInfo = new LittleEndianWriter()
    .string(input.appId)
    .uint32(issueTs)
    .uint32(input.tokenExpireSeconds)
    .uint32(salt)
    .uint16(1) // service count
    .raw(packRtcService(input))
    .bytes();
  // The certificate never signs token content itself: it is chained through HMACs keyed by
  // the issue time and then the salt, so each (issue time, salt) pair signs with its own key.
  const signingKey = hmac(uint32Bytes(salt), "SHA-256", certificateKeyedByIssueTs(input.appCertificate, issueTs));
  const signature = hmac(signingKey, "SHA-256", signingInfo);

  const content = new LittleEndianWriter(signature.length + signingInfo.length + 2).lengthPrefixed(signature).raw(signingInfo).bytes();
  return { token: VERSION + toBase64(zlibStored(content)), expiresAt: issueTs + input.tokenExpireSeconds };
}

function packRtcService({ channelName, uid, role, privilegeExpireSeconds }: AgoraRtcTokenInput): Uint8Array {
  const privileges = [JOIN_CHANNEL, ...(role === "publisher" ? PUBLISH_PRIVILEGES : [])];
  return new LittleEndianWriter()
    .uint16(RTC_SERVICE)
    .uint32Map(privileges.map((privilege) => [privilege, privilegeExpireSeconds] as const))
    .string(channelName)
    .string(uid === 0 ? "" : String(uid))
    .bytes();
}

let lastIssueKey: { certificate: string; issueTs: number; key: Uint8Array<ArrayBuffer> } | undefined;

/**
 * The first link of the signing chain depends only on the certificate and the issue second,
 * so tokens issued in the same second share it instead of each paying for an HMAC.
 */
function certificateKeyedByIssueTs(certificate: string, issueTs: number): Uint8Array<ArrayBuffer> {
  if (lastIssueKey?.certificate !== certificate || lastIssueKey.issueTs !== issueTs) {
    lastIssueKey = { certificate, issueTs, key: hmac(uint32Bytes(issueTs), "SHA-256", certificate) };
  }
  return lastIssueKey.key;
}

/** Same range as Agora's builders; the modulo bias is irrelevant for a salt. */
function randomSalt(): number {
  const [random = 0] = crypto.getRandomValues(new Uint32Array(1));
  return (random % MAX_SALT) + 1;
}
