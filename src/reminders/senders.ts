import { optional } from "../env";
import type { OutgoingEmail, OutgoingMessage, OutgoingWhatsApp } from "./compose";
import { addToOutbox } from "./outbox";
import { postmarkEmailBody, sendPostmarkEmail } from "./postmark";
import type { SendResult } from "./send-result";
import { sendWhatsApp, whatsAppMessageForm, type WhatsAppSenderSettings } from "./twilio-messages";

/** Sends one composed message on its channel; `reminderId` names it in the outbox. */
export type Deliver = (message: OutgoingMessage, reminderId: number, now: number) => Promise<SendResult>;

/** The path Twilio reports WhatsApp delivery to (routes.ts). */
export const twilioMessagesWebhookPath = "/api/webhooks/twilio/messages";

/**
 * Each channel's sender from configuration: Twilio for WhatsApp once TWILIO_ACCOUNT_SID is set,
 * Postmark for email once EMAIL_API_KEY is set, and otherwise the local outbox, so local
 * development runs the whole flow without sending anything.
 */
export function deliveryFromEnv(env: Env): Deliver {
  const whatsapp = whatsAppDelivery(env);
  const email = emailDelivery(env);
  return (message, reminderId, now) => (message.channel === "whatsapp" ? whatsapp(message, reminderId, now) : email(message, reminderId, now));
}

function whatsAppDelivery(env: Env): (message: OutgoingWhatsApp, reminderId: number, now: number) => Promise<SendResult> {
  const settings: WhatsAppSenderSettings = {
    // The number alone; a "whatsapp:" prefix pasted from Twilio's console is tolerated.
    from: optional(env.TWILIO_WHATSAPP_FROM)?.replace(/^whatsapp:/, "") ?? "",
    statusCallbackUrl: `${env.PUBLIC_BASE_URL.replace(/\/+$/, "")}${twilioMessagesWebhookPath}`,
  };
  const accountSid = optional(env.TWILIO_ACCOUNT_SID);
  if (!accountSid) {
    return (message, reminderId, now) =>
      toOutbox(env.DB, { reminderId, channel: "whatsapp", recipient: message.to, subject: null, body: message.body, payload: Object.fromEntries(whatsAppMessageForm(message, settings)) }, now);
  }
  const apiKeySid = optional(env.TWILIO_API_KEY_SID);
  const apiKeySecret = optional(env.TWILIO_API_KEY_SECRET);
  if (!apiKeySid || !apiKeySecret || !settings.from) {
    // Half-configured is a deployment mistake: fail each send visibly rather than fall back to the outbox.
    return async () => ({ ok: false, verdict: "permanent", error: "twilio not_configured" });
  }
  const credentials = { baseUrl: env.TWILIO_API_BASE_URL, accountSid, apiKeySid, apiKeySecret };
  return (message) => sendWhatsApp(credentials, settings, message);
}

function emailDelivery(env: Env): (message: OutgoingEmail, reminderId: number, now: number) => Promise<SendResult> {
  const settings = { from: env.EMAIL_FROM };
  const serverToken = optional(env.EMAIL_API_KEY);
  if (!serverToken) {
    return (message, reminderId, now) =>
      toOutbox(env.DB, { reminderId, channel: "email", recipient: message.to, subject: message.subject, body: message.textBody, payload: postmarkEmailBody(message, settings) }, now);
  }
  return (message) => sendPostmarkEmail({ baseUrl: env.EMAIL_API_BASE_URL, serverToken }, settings, message);
}

async function toOutbox(db: D1Database, entry: Parameters<typeof addToOutbox>[1], now: number): Promise<SendResult> {
  return { ok: true, providerMessageId: `outbox-${await addToOutbox(db, entry, now)}` };
}
