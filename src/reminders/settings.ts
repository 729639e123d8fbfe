import { optional } from "../env";
import type { ComposeSettings } from "./compose";

/** Which reminder offset each WhatsApp content template setting stands for. */
const TEMPLATE_SETTINGS = [
  [1440, "TWILIO_WHATSAPP_CONTENT_SID_24H"],
  [60, "TWILIO_WHATSAPP_CONTENT_SID_1H"],
  [15, "TWILIO_WHATSAPP_CONTENT_SID_15M"],
] as const;

/** How messages are worded and linked, from configuration. */
export function composeSettingsFromEnv(env: Env): ComposeSettings {
  const whatsappTemplates = new Map<number, string>();
  for (const [offset, name] of TEMPLATE_SETTINGS) {
    const contentSid = optional(env[name]);
    if (contentSid) whatsappTemplates.set(offset, contentSid);
  }
  return { meetingBaseUrl: env.MEETING_BASE_URL, publicBaseUrl: env.PUBLIC_BASE_URL, emailFrom: env.EMAIL_FROM, whatsappTemplates };
}
