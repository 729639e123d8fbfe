import type { VideoIdentity } from "../../base/config";
import { toHex } from "../../crypto/encoding";
import { hmac } from "../../crypto/hmac";

/** 128 bits of the MAC: collisions between two users are out of reach, and the identity stays short. */
const OPAQUE_HEX_CHARS = 32;

/**
 * How Twilio names a party, the same for every token and webhook of that user.
 *
 * @example
 * await twilioIdentity({ mode: "email" }, { id: 201, email: "pat@example.com" }) // "201-pat@example.com", readable in Twilio's console
 * await twilioIdentity({ mode: "opaque", key }, { id: 201, email: "pat@example.com" }) // "u-" + 32 hex chars: no email sent to Twilio
 */
export async function twilioIdentity(setting: VideoIdentity, party: { id: number; email: string }): Promise<string> {
  if (setting.mode === "email") return `${party.id}-${party.email}`;
  const mac = hmac(setting.key, "SHA-256", String(party.id));
  return `u-${toHex(mac).slice(0, OPAQUE_HEX_CHARS)}`;
}
