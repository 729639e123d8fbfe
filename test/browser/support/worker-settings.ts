/**
 * The Worker's settings for browser tests: the same test secrets as the root vitest.config.ts
 * (testSettings), never a developer's .dev.vars. Outbound provider hosts point at a closed local
 * port, so anything the Worker tries to send fails at once instead of waiting on DNS.
 */
const unreachable = "http://127.0.0.1:9";

export const JWT_SECRET = "test-jwt-secret-0123456789abcdef";
export const TWILIO_AUTH_TOKEN = "test-twilio-auth-token";
/** What Twilio's webhook signatures are computed over (src/webhooks: PUBLIC_BASE_URL + path). */
export const PUBLIC_BASE_URL = "https://video-edge.example.com";

export const workerSettings: Record<string, string> = {
  JWT_SECRET,
  JWT_ISSUER: "",
  JWT_AUDIENCE: "",
  JWT_JWKS_URL: "",
  PUBLIC_BASE_URL,
  DEFAULT_TIMEZONE: "UTC",
  DEFAULT_VIDEO_PROVIDER: "twilio",
  TWILIO_ACCOUNT_SID: "AC00000000000000000000000000000001",
  TWILIO_API_KEY_SID: "SK00000000000000000000000000000002",
  TWILIO_API_KEY_SECRET: "test-twilio-api-key-secret",
  TWILIO_AUTH_TOKEN,
  TWILIO_API_BASE_URL: unreachable,
  TWILIO_VIDEO_BASE_URL: unreachable,
  TWILIO_ROOM_MAX_PARTICIPANTS: "2",
  // No WhatsApp sender and no email key: notices go to the local outbox, nothing leaves.
  TWILIO_WHATSAPP_FROM: "",
  TWILIO_WHATSAPP_CONTENT_SID_24H: "",
  TWILIO_WHATSAPP_CONTENT_SID_1H: "",
  TWILIO_WHATSAPP_CONTENT_SID_15M: "",
  AGORA_APP_ID: "970ca35de60c44645bbae8a215061b33",
  AGORA_APP_CERTIFICATE: "5cfd2fd1755d40ecb72977518be15d3b",
  AGORA_NCS_SECRET: "test-agora-ncs-secret",
  EMAIL_API_BASE_URL: unreachable,
  EMAIL_API_KEY: "",
  EMAIL_FROM: "Practice <no-reply@practice.example.com>",
  REMINDER_OFFSETS: "1440,60,15",
};
