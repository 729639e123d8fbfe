import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { toHex } from "../../src/crypto/encoding";
import { hmac } from "../../src/crypto/hmac";
import { type FormParams, twilioSignature } from "../../src/providers/twilio/webhook-signature";
import { origin } from "../support/api";

export const twilioWebhookPath = "/api/webhooks/twilio/video";
export const twilioMessagesWebhookPath = "/api/webhooks/twilio/messages";
export const agoraWebhookPath = "/api/webhooks/agora/ncs";

type TwilioSigning = { url?: string; authToken?: string; params?: FormParams; signature?: string | null };

/**
 * Posts a Twilio Video status callback signed as Twilio signs it: over the public URL Twilio was
 * given (PUBLIC_BASE_URL + path) and the form fields. `signWith` changes what is signed.
 */
export function postTwilio(params: FormParams, signWith: TwilioSigning = {}): Promise<Response> {
  return postSignedTwilio(twilioWebhookPath, params, signWith);
}

/** Posts a Twilio message status callback (WhatsApp delivery), signed the same way. */
export function postTwilioMessageStatus(params: FormParams, signWith: TwilioSigning = {}): Promise<Response> {
  return postSignedTwilio(twilioMessagesWebhookPath, params, signWith);
}

async function postSignedTwilio(path: string, params: FormParams, signWith: TwilioSigning): Promise<Response> {
  const url = signWith.url ?? `${env.PUBLIC_BASE_URL}${path}`;
  const signature =
    signWith.signature !== undefined
      ? signWith.signature
      : await twilioSignature(signWith.authToken ?? env.TWILIO_AUTH_TOKEN, url, signWith.params ?? params);
  const headers = new Headers({ "content-type": "application/x-www-form-urlencoded" });
  if (signature !== null) headers.set("x-twilio-signature", signature);
  return exports.default.fetch(
    new Request(`${origin}${path}`, { method: "POST", headers, body: new URLSearchParams([...params]).toString() }),
  );
}

/**
 * Posts an Agora NCS notice (a string is sent as is) signed over its raw body: V2 (HMAC-SHA256)
 * by default, or V1 (HMAC-SHA1). `signWith.body` signs other bytes than those sent.
 */
export async function postAgora(
  body: unknown,
  signWith: { version?: "v1" | "v2"; secret?: string; body?: string; signature?: string | null } = {},
): Promise<Response> {
  const sent = typeof body === "string" ? body : JSON.stringify(body);
  const version = signWith.version ?? "v2";
  const signature =
    signWith.signature !== undefined
      ? signWith.signature
      : toHex(hmac(signWith.secret ?? env.AGORA_NCS_SECRET, version === "v2" ? "SHA-256" : "SHA-1", signWith.body ?? sent));
  const headers = new Headers({ "content-type": "application/json" });
  if (signature !== null) headers.set(version === "v2" ? "agora-signature-v2" : "agora-signature", signature);
  return exports.default.fetch(new Request(`${origin}${agoraWebhookPath}`, { method: "POST", headers, body: sent }));
}

/** The room object's stored state, read through a real stub. */
export function roomOf(roomName: string) {
  return env.ROOMS.getByName(roomName);
}
