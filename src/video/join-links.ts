import { joinWindow } from "../appointments/join-window";
import { toBase64Url, utf8 } from "../crypto/encoding";
import { equalInConstantTime, hmac } from "../crypto/hmac";

/**
 * What a personal join key names: one party of one appointment, at the start the key was issued
 * for (a moved session's old keys stop working), until `expiresAt` (when the room closes).
 * Times are unix seconds.
 */
export type JoinKey = { appointmentId: number; userId: number; startsAt: number; expiresAt: number };

// Bound into every signature, so a join key can never be taken for another token made with the same secret.
const PURPOSE = "join-key:v1";
const SIGNATURE_BYTES = 16;

const signedText = ({ appointmentId, userId, startsAt, expiresAt }: JoinKey) => `${appointmentId}.${userId}.${startsAt}.${expiresAt}`;

/**
 * A join key: the four numbers and a truncated HMAC-SHA256 over them, short enough for a
 * WhatsApp message. It goes in a link's fragment (`#k=`), which browsers never send to a server.
 *
 * @example await signJoinKey({ appointmentId: 7, userId: 201, startsAt, expiresAt }, secret) // "7.201.1764590000.1764596000.Q2x…"
 */
export async function signJoinKey(key: JoinKey, secret: string): Promise<string> {
  const text = signedText(key);
  const signature = hmac(secret, "SHA-256", `${PURPOSE}.${text}`);
  return `${text}.${toBase64Url(signature.subarray(0, SIGNATURE_BYTES))}`;
}

/**
 * The key's claims when its signature is ours (compared in constant time); undefined for
 * anything else. Whether the claims still hold (expiry, the appointment now) is the caller's rule.
 */
export async function readJoinKey(key: string, secret: string): Promise<JoinKey | undefined> {
  const match = /^(\d{1,15})\.(\d{1,15})\.(\d{1,12})\.(\d{1,12})\.([A-Za-z0-9_-]{22})$/.exec(key);
  if (!match) return undefined;
  const [appointmentId, userId, startsAt, expiresAt] = match.slice(1, 5).map(Number) as [number, number, number, number];
  const claims = { appointmentId, userId, startsAt, expiresAt };
  // One spelling per key, so the whole text is compared: "007" would read as 7, and base64 ignores
  // the last character's spare bits (16 spellings of one signature), yet neither is what was signed.
  const expected = await signJoinKey(claims, secret);
  return equalInConstantTime(utf8(expected), utf8(key)) ? claims : undefined;
}

/** The key for one party of a session at its current start: it lives until the room closes. */
export function joinKeyFor(session: { appointmentId: number; startsAt: number; durationMinutes: number }, userId: number): JoinKey {
  const { closesAt } = joinWindow(
    { startsAt: session.startsAt, durationMinutes: session.durationMinutes, status: "scheduled", sessionType: "telehealth" },
    0,
  );
  return { appointmentId: session.appointmentId, userId, startsAt: session.startsAt, expiresAt: closesAt };
}

/** The meeting link with the recipient's key in its fragment. */
export function personalJoinLink(meetingUrl: string, key: string): string {
  return `${meetingUrl}#k=${key}`;
}
