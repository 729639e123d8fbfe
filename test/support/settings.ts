import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Every secret and base URL the tests run with, so no test depends on a developer's .dev.vars.
 * Outbound hosts are stand-ins: MSW answers them in the Workers tests (test/support/outbound.ts);
 * the browser tests' Worker gets a closed local port instead (test/browser/support/start-worker.ts).
 */
export const testSettings = {
  JWT_SECRET: "test-jwt-secret-0123456789abcdef",
  JWT_ISSUER: "",
  JWT_AUDIENCE: "",
  JWT_JWKS_URL: "",
  PUBLIC_BASE_URL: "https://video-edge.example.com",
  MEETING_BASE_URL: "https://practice.example.com",
  CORS_ALLOWED_ORIGINS: "https://practice.example.com",
  SESSION_LINK_SECRET: "test-session-link-secret-0123456789",
  DEFAULT_TIMEZONE: "UTC",
  DEFAULT_VIDEO_PROVIDER: "twilio",
  TWILIO_ACCOUNT_SID: "AC00000000000000000000000000000001",
  TWILIO_API_KEY_SID: "SK00000000000000000000000000000002",
  TWILIO_API_KEY_SECRET: "test-twilio-api-key-secret",
  TWILIO_AUTH_TOKEN: "test-twilio-auth-token",
  TWILIO_API_BASE_URL: "https://api.twilio.stand-in",
  TWILIO_VIDEO_BASE_URL: "https://video.twilio.stand-in",
  TWILIO_ROOM_MAX_PARTICIPANTS: "2",
  TWILIO_WHATSAPP_FROM: "+15550001111",
  TWILIO_WHATSAPP_CONTENT_SID_24H: "",
  TWILIO_WHATSAPP_CONTENT_SID_1H: "",
  TWILIO_WHATSAPP_CONTENT_SID_15M: "",
  AGORA_APP_ID: "970ca35de60c44645bbae8a215061b33",
  AGORA_APP_CERTIFICATE: "5cfd2fd1755d40ecb72977518be15d3b",
  AGORA_NCS_SECRET: "test-agora-ncs-secret",
  AGORA_CUSTOMER_ID: "test-agora-customer-id",
  AGORA_CUSTOMER_SECRET: "test-agora-customer-secret",
  AGORA_API_BASE_URL: "https://api.agora.stand-in",
  EMAIL_API_BASE_URL: "https://email.stand-in",
  EMAIL_API_KEY: "test-email-api-key",
  EMAIL_FROM: "Practice <no-reply@practice.example.com>",
  REMINDER_OFFSETS: "1440,60,15",
  // Providers are configured above; a test that wants the outbox turns it on with them off.
  LOCAL_OUTBOX: "",
};

/**
 * The test settings as an env file for wrangler. Given an env file, wrangler reads it instead of
 * the developer's .dev.vars (or .env), so a local secret can never change a test's result.
 */
export function testSettingsEnvFile(overrides: Partial<Record<keyof typeof testSettings, string>> = {}): string {
  const text = Object.entries({ ...testSettings, ...overrides })
    .map(([name, value]) => `${name}=${JSON.stringify(value)}\n`)
    .join("");
  let path = envFiles.get(text);
  if (!path) {
    path = join(mkdtempSync(join(tmpdir(), "telehealth-tests-")), "test-settings.env");
    writeFileSync(path, text);
    envFiles.set(text, path);
  }
  return path;
}

// One file per set of settings and process: wrangler asks for the settings once per test file.
const envFiles = new Map<string, string>();
