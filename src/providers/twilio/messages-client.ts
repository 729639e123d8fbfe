import { z } from "@hono/zod-openapi";
import { fetchWithTimeout } from "../provider-fetch";
import { jsonOrUndefined, type SendResult, sendFailed } from "../send-result";
import { basicAuthorization } from "./basic-auth";

/**
 * Twilio's Programmable Messaging API for WhatsApp. Authenticates with an API key (SID and
 * secret, as the Rooms client does), which Twilio accepts for the REST API; the account SID
 * only names the account in the path. `timeoutMs`: how long Twilio gets to answer.
 */
export type TwilioMessagingCredentials = {
  baseUrl: string;
  accountSid: string;
  apiKeySid: string;
  apiKeySecret: string;
  timeoutMs: number;
};

/** One WhatsApp message: the recipient (E.164) and the text, or an approved content template. */
export type WhatsAppMessage = {
  to: string;
  body: string;
  /** Sent instead of `body` when set: a template SID and its numbered variables. */
  template?: { contentSid: string; variables: Record<string, string> };
};

export type WhatsAppSenderSettings = {
  /** Our WhatsApp sender, E.164 (TWILIO_WHATSAPP_FROM). */
  from: string;
  /** Where Twilio reports delivered, read, failed and undelivered. */
  statusCallbackUrl: string;
};

const messageSchema = z.object({ sid: z.string().min(1) });
const errorSchema = z.object({ code: z.number().optional() });

/**
 * The Messages resource's form fields: `whatsapp:` addresses, the text as `Body`, or an approved
 * content template as `ContentSid` with `ContentVariables` (JSON of numbered variables).
 */
export function whatsAppMessageForm(message: WhatsAppMessage, settings: WhatsAppSenderSettings): URLSearchParams {
  const form = new URLSearchParams({ To: `whatsapp:${message.to}`, From: `whatsapp:${settings.from}` });
  if (message.template) {
    form.set("ContentSid", message.template.contentSid);
    form.set("ContentVariables", JSON.stringify(message.template.variables));
  } else {
    form.set("Body", message.body);
  }
  form.set("StatusCallback", settings.statusCallbackUrl);
  return form;
}

/**
 * Creates the message (`POST /2010-04-01/Accounts/{AccountSid}/Messages.json`). Success gives the
 * message SID, which the status callback later names.
 *
 * @example await sendWhatsApp(credentials, { from: "+15550001111", statusCallbackUrl }, { channel: "whatsapp", to: "+15557654321", body: "…" })
 */
export async function sendWhatsApp(
  credentials: TwilioMessagingCredentials,
  settings: WhatsAppSenderSettings,
  message: WhatsAppMessage,
): Promise<SendResult> {
  // One attempt: a send is not safe to repeat (one that timed out may have been accepted); the queue retries it through the ledger.
  const response = await fetchWithTimeout(
    `${credentials.baseUrl}/2010-04-01/Accounts/${encodeURIComponent(credentials.accountSid)}/Messages.json`,
    {
      method: "POST",
      headers: {
        authorization: basicAuthorization(credentials),
        accept: "application/json",
        "content-type": "application/x-www-form-urlencoded",
      },
      body: whatsAppMessageForm(message, settings),
    },
    credentials.timeoutMs,
  );
  if (!response) return sendFailed("twilio", { networkError: true });
  const body = await jsonOrUndefined(response);
  if (response.ok) {
    const parsed = messageSchema.safeParse(body);
    // Accepted but unreadable: sending again could duplicate the message, so it is not retried.
    return parsed.success
      ? { ok: true, providerMessageId: parsed.data.sid }
      : { ok: false, verdict: "permanent", error: "twilio unreadable_response" };
  }
  const error = errorSchema.safeParse(body);
  const code = error.success ? error.data.code : undefined;
  return sendFailed("twilio", code === undefined ? { status: response.status } : { status: response.status, providerCode: code });
}
