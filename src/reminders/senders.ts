import type { Config } from "../base/config";
import { type EmailMessage, postmarkEmailBody, sendPostmarkEmail } from "../providers/email/postmark";
import type { SendResult } from "../providers/send-result";
import { sendWhatsApp, type WhatsAppMessage, whatsAppMessageForm } from "../providers/twilio/messages-client";
import type { OutgoingMessage } from "./compose";
import { addToOutbox } from "./outbox";

/**
 * What became of one message: a provider's answer, or `not_configured` when its channel has no
 * provider and no local outbox (nothing was sent, nothing kept).
 */
export type DeliveryResult = SendResult | { ok: false; skipped: "not_configured" };

/** Sends one composed message on its channel; `reminderId` names it in the outbox. */
export type Deliver = (message: OutgoingMessage, reminderId: number, now: number) => Promise<DeliveryResult>;

type ChannelSender<M> = (message: M, reminderId: number, now: number) => Promise<DeliveryResult>;

const notConfigured = async (): Promise<DeliveryResult> => ({ ok: false, skipped: "not_configured" });

/** The path Twilio reports WhatsApp delivery to (webhooks/). */
export const twilioMessagesWebhookPath = "/api/webhooks/twilio/messages";

/**
 * Each channel's sender from configuration: Twilio for WhatsApp once TWILIO_ACCOUNT_SID is set,
 * Postmark for email once EMAIL_API_KEY is set. Otherwise, with LOCAL_OUTBOX, the local outbox,
 * so local development runs the whole flow without sending anything; without it, nothing: the
 * outbox holds names, times, addresses and join links, which a deployment that merely lacks
 * credentials must not quietly collect and mark sent.
 */
export function deliveryFor(config: Config, db: D1Database): Deliver {
  const whatsapp = whatsAppDelivery(config, db);
  const email = emailDelivery(config, db);
  return (message, reminderId, now) =>
    message.channel === "whatsapp" ? whatsapp(message, reminderId, now) : email(message, reminderId, now);
}

function whatsAppDelivery(config: Config, db: D1Database): ChannelSender<WhatsAppMessage> {
  const setup = config.twilio.whatsapp;
  const statusCallbackUrl = `${config.publicBaseUrl}${twilioMessagesWebhookPath}`;
  switch (setup.state) {
    case "not_configured": {
      if (!config.localOutbox) return notConfigured;
      const settings = { from: config.twilio.whatsappFrom ?? "", statusCallbackUrl };
      return (message, reminderId, now) =>
        toOutbox(
          db,
          {
            reminderId,
            channel: "whatsapp",
            recipient: message.to,
            subject: null,
            body: message.body,
            payload: Object.fromEntries(whatsAppMessageForm(message, settings)),
          },
          now,
        );
    }
    case "half_configured":
      // A deployment mistake: fail each send visibly rather than fall back to the outbox.
      return async () => ({ ok: false, verdict: "permanent", error: "twilio not_configured" });
    case "configured": {
      const { accountSid, apiKeySid, apiKeySecret, from } = setup.values;
      const credentials = {
        baseUrl: config.twilio.apiBaseUrl,
        accountSid,
        apiKeySid,
        apiKeySecret,
        timeoutMs: config.providerTimeoutMs,
      };
      return (message) => sendWhatsApp(credentials, { from, statusCallbackUrl }, message);
    }
  }
}

function emailDelivery(config: Config, db: D1Database): ChannelSender<EmailMessage> {
  const settings = { from: config.email.from };
  const serverToken = config.email.apiKey;
  if (!serverToken) {
    if (!config.localOutbox) return notConfigured;
    return (message, reminderId, now) =>
      toOutbox(
        db,
        {
          reminderId,
          channel: "email",
          recipient: message.to,
          subject: message.subject,
          body: message.textBody,
          payload: postmarkEmailBody(message, settings),
        },
        now,
      );
  }
  return (message) =>
    sendPostmarkEmail({ baseUrl: config.email.apiBaseUrl, serverToken, timeoutMs: config.providerTimeoutMs }, settings, message);
}

async function toOutbox(db: D1Database, entry: Parameters<typeof addToOutbox>[1], now: number): Promise<DeliveryResult> {
  return { ok: true, providerMessageId: `outbox-${await addToOutbox(db, entry, now)}` };
}
