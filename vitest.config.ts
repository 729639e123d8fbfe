import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig, defineProject } from "vitest/config";

/**
 * Every secret and base URL the tests run with, set here so no test depends on a developer's
 * .dev.vars. Outbound hosts are stand-ins answered by MSW (test/support/outbound.ts).
 */
const testSettings = {
  JWT_SECRET: "test-jwt-secret-0123456789abcdef",
  JWT_ISSUER: "",
  JWT_AUDIENCE: "",
  JWT_JWKS_URL: "",
  PUBLIC_BASE_URL: "https://video-edge.example.com",
  MEETING_BASE_URL: "https://practice.example.com",
  DEFAULT_TIMEZONE: "UTC",
  DEFAULT_VIDEO_PROVIDER: "twilio",
  TWILIO_ACCOUNT_SID: "AC00000000000000000000000000000001",
  TWILIO_API_KEY_SID: "SK00000000000000000000000000000002",
  TWILIO_API_KEY_SECRET: "test-twilio-api-key-secret",
  TWILIO_AUTH_TOKEN: "test-twilio-auth-token",
  TWILIO_API_BASE_URL: "https://api.twilio.stand-in",
  TWILIO_VIDEO_BASE_URL: "https://video.twilio.stand-in",
  TWILIO_WHATSAPP_FROM: "+15550001111",
  TWILIO_WHATSAPP_CONTENT_SID_24H: "",
  TWILIO_WHATSAPP_CONTENT_SID_1H: "",
  TWILIO_WHATSAPP_CONTENT_SID_15M: "",
  AGORA_APP_ID: "970ca35de60c44645bbae8a215061b33",
  AGORA_APP_CERTIFICATE: "5cfd2fd1755d40ecb72977518be15d3b",
  AGORA_NCS_SECRET: "test-agora-ncs-secret",
  EMAIL_API_BASE_URL: "https://email.stand-in",
  EMAIL_API_KEY: "test-email-api-key",
  EMAIL_FROM: "Practice <no-reply@practice.example.com>",
};

/**
 * Two projects: `workers` runs the product's tests inside workerd over a real local D1;
 * `node` runs the cross-checks against the official Node SDKs (twilio, agora-token), which
 * are devDependencies and never part of the Worker.
 */
export default defineConfig({
  test: {
    reporters: ["default", "./test/support/summary-reporter.ts"],
    projects: [
      defineProject({
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations("./migrations"),
                ...testSettings,
              },
              // Reminders go to a queue nothing consumes: tests hand batches to the consumer
              // themselves, so no background send races a test (or a test file's MSW server).
              queueProducers: { REMINDERS_QUEUE: { queueName: "telehealth-reminders-unconsumed" } },
            },
          })),
        ],
        test: {
          name: "workers",
          include: ["test/**/*.test.ts"],
          exclude: ["test/**/*.node.test.ts"],
          setupFiles: ["./test/setup/apply-migrations.ts"],
        },
      }),
      defineProject({
        test: {
          name: "node",
          environment: "node",
          include: ["test/**/*.node.test.ts"],
        },
      }),
    ],
  },
});
