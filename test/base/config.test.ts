import { describe, expect, it } from "vitest";
import { credentials, parseConfig, reminderOffsets } from "../../src/base/config";
import { ConfigError } from "../../src/base/errors";

/** The smallest valid deployment: only what has no default. */
const minimal = { PUBLIC_BASE_URL: "https://edge.example.com" };

function problemsOf(settings: Record<string, string>): string[] {
  try {
    parseConfig({ ...minimal, ...settings });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("parseConfig", () => {
  it("normalises base URLs once, and defaults the meeting links to this service's own origin", () => {
    const config = parseConfig({ PUBLIC_BASE_URL: "https://edge.example.com/", TWILIO_API_BASE_URL: "https://api.twilio.stand-in//" });
    expect(config.publicBaseUrl).toBe("https://edge.example.com");
    expect(config.meetingBaseUrl).toBe("https://edge.example.com");
    expect(config.twilio.apiBaseUrl).toBe("https://api.twilio.stand-in");
    expect(config.twilio.videoBaseUrl).toBe("https://video.twilio.com");
    expect(config.email.apiBaseUrl).toBe("https://api.postmarkapp.com");
    expect(parseConfig({ ...minimal, MEETING_BASE_URL: "https://practice.example.com/app/" }).meetingBaseUrl).toBe(
      "https://practice.example.com/app",
    );
  });

  it("names every bad setting at once instead of switching a feature off", () => {
    expect(
      problemsOf({
        DEFAULT_VIDEO_PROVIDER: "zoom",
        REMINDER_OFFSETS: "60,60",
        MEETING_BASE_URL: "practice.example.com",
        DEFAULT_TIMEZONE: "Mars/Olympus",
      }),
    ).toEqual([
      "DEFAULT_VIDEO_PROVIDER must be one of twilio, agora, webrtc",
      'REMINDER_OFFSETS must be comma-separated minutes before the start, like "1440,60,15"; in "60,60" an offset is listed twice',
      "DEFAULT_TIMEZONE must be an IANA time zone such as Europe/London",
      "MEETING_BASE_URL must be an http(s) URL",
    ]);
    expect(() => parseConfig({})).toThrow("Invalid configuration: PUBLIC_BASE_URL must be an http(s) URL");
  });

  it("refuses a JWT_SECRET shorter than 32 bytes, and a bad JWT_MAX_AGE_SECONDS, naming them", () => {
    expect(problemsOf({ JWT_SECRET: "short-secret", JWT_MAX_AGE_SECONDS: "forever" })).toEqual([
      "JWT_SECRET must be at least 32 bytes",
      "JWT_MAX_AGE_SECONDS must be a whole number of seconds, at least 60",
    ]);
    expect(problemsOf({ JWT_SECRET: "x".repeat(32) })).toEqual([]);
    expect(parseConfig({ ...minimal, JWT_SECRET: "   " }).jwt.secret).toBe("");
    expect(parseConfig(minimal).jwt.maxAgeSeconds).toBe(86400);
    expect(parseConfig({ ...minimal, JWT_MAX_AGE_SECONDS: "3600" }).jwt.maxAgeSeconds).toBe(3600);
  });

  it("gives providers 10 s to answer unless PROVIDER_TIMEOUT_MS says otherwise, and refuses a timeout that cannot be right", () => {
    expect(parseConfig(minimal).providerTimeoutMs).toBe(10_000);
    expect(parseConfig({ ...minimal, PROVIDER_TIMEOUT_MS: "2500" }).providerTimeoutMs).toBe(2500);
    for (const bad of ["0", "99", "60001", "10s", "-5"])
      expect(problemsOf({ PROVIDER_TIMEOUT_MS: bad }), bad).toEqual([
        "PROVIDER_TIMEOUT_MS must be a whole number of milliseconds from 100 to 60000",
      ]);
  });

  it("keeps the local outbox off unless LOCAL_OUTBOX is exactly true", () => {
    expect(parseConfig(minimal).localOutbox).toBe(false);
    expect(parseConfig({ ...minimal, LOCAL_OUTBOX: " " }).localOutbox).toBe(false);
    expect(parseConfig({ ...minimal, LOCAL_OUTBOX: "false" }).localOutbox).toBe(false);
    expect(parseConfig({ ...minimal, LOCAL_OUTBOX: "true" }).localOutbox).toBe(true);
    expect(problemsOf({ LOCAL_OUTBOX: "yes" })).toEqual(["LOCAL_OUTBOX must be true, false or empty"]);
  });

  it("names video parties by email unless opaque is asked for, and refuses any other VIDEO_IDENTITY_MODE", () => {
    expect(parseConfig(minimal).videoIdentity).toEqual({ mode: "email" });
    expect(parseConfig({ ...minimal, JWT_SECRET: "j".repeat(32), VIDEO_IDENTITY_MODE: "opaque" }).videoIdentity.mode).toBe("opaque");
    expect(problemsOf({ VIDEO_IDENTITY_MODE: "hashed" })).toEqual(["VIDEO_IDENTITY_MODE must be email or opaque"]);
    // Without a secret there is nothing to key the HMAC with: fail, never fall back to emails.
    expect(problemsOf({ VIDEO_IDENTITY_MODE: "opaque" })).toEqual([
      "VIDEO_IDENTITY_MODE=opaque needs SESSION_LINK_SECRET or JWT_SECRET to derive identities from",
    ]);
  });

  it("takes blank settings as unset", () => {
    const config = parseConfig({ ...minimal, DEFAULT_VIDEO_PROVIDER: " ", REMINDER_OFFSETS: "", JWT_ISSUER: "  ", TWILIO_AUTH_TOKEN: "" });
    expect(config.defaultVideoProvider).toBe("webrtc");
    expect(config.reminderOffsets).toEqual([1440, 60, 15]);
    expect(config.jwt.issuer).toBeUndefined();
    expect(config.twilio.authToken).toBeUndefined();
  });

  it("defaults sessions to the vendor whose credentials are set, else to the built-in provider", () => {
    const twilio = { TWILIO_ACCOUNT_SID: "AC1", TWILIO_API_KEY_SID: "SK1", TWILIO_API_KEY_SECRET: "secret" };
    const agora = { AGORA_APP_ID: "app", AGORA_APP_CERTIFICATE: "certificate" };
    expect(parseConfig(minimal).defaultVideoProvider).toBe("webrtc");
    expect(parseConfig({ ...minimal, ...agora }).defaultVideoProvider).toBe("agora");
    expect(parseConfig({ ...minimal, ...agora, ...twilio }).defaultVideoProvider).toBe("twilio");
    expect(parseConfig({ ...minimal, ...twilio, TWILIO_API_KEY_SECRET: "" }).defaultVideoProvider).toBe("webrtc");
    expect(parseConfig({ ...minimal, ...twilio, DEFAULT_VIDEO_PROVIDER: "webrtc" }).defaultVideoProvider).toBe("webrtc");
  });

  it("groups the TURN key, configured or not, with the TURN API's base URL", () => {
    expect(parseConfig(minimal).turn).toEqual({
      apiBaseUrl: "https://rtc.live.cloudflare.com",
      key: { state: "not_configured", missing: ["TURN_KEY_ID", "TURN_KEY_API_TOKEN"] },
    });
    expect(
      parseConfig({ ...minimal, TURN_KEY_ID: "key", TURN_KEY_API_TOKEN: "token", TURN_API_BASE_URL: "https://turn.stand-in/" }).turn,
    ).toEqual({
      apiBaseUrl: "https://turn.stand-in",
      key: { state: "configured", values: { keyId: "key", apiToken: "token" } },
    });
    expect(parseConfig({ ...minimal, TURN_KEY_ID: "key" }).turn.key).toEqual({ state: "half_configured", missing: ["TURN_KEY_API_TOKEN"] });
  });

  it("keeps a bad room size for the room route to refuse, naming the setting", () => {
    expect(parseConfig({ ...minimal, TWILIO_ROOM_MAX_PARTICIPANTS: "1" }).twilio.roomMaxParticipants).toEqual({
      invalid: "TWILIO_ROOM_MAX_PARTICIPANTS must be a whole number from 2 to 50",
    });
    expect(parseConfig({ ...minimal, TWILIO_ROOM_MAX_PARTICIPANTS: "3" }).twilio.roomMaxParticipants).toBe(3);
    expect(parseConfig(minimal).twilio.roomMaxParticipants).toBe(2);
  });

  it("turns WhatsApp on with the account SID, and calls a partial set half-configured", () => {
    const key = { TWILIO_API_KEY_SID: "SK1", TWILIO_API_KEY_SECRET: "secret" };
    expect(parseConfig({ ...minimal, ...key, TWILIO_WHATSAPP_FROM: "+15550001111" }).twilio.whatsapp.state).toBe("not_configured");
    expect(parseConfig({ ...minimal, ...key, TWILIO_ACCOUNT_SID: "AC1" }).twilio.whatsapp).toEqual({
      state: "half_configured",
      missing: ["TWILIO_WHATSAPP_FROM"],
    });
    expect(
      parseConfig({ ...minimal, ...key, TWILIO_ACCOUNT_SID: "AC1", TWILIO_WHATSAPP_FROM: "whatsapp:+15550001111" }).twilio.whatsapp,
    ).toEqual({
      state: "configured",
      values: { accountSid: "AC1", apiKeySid: "SK1", apiKeySecret: "secret", from: "+15550001111" },
    });
  });

  it("maps the WhatsApp template settings to their reminder offsets", () => {
    const config = parseConfig({ ...minimal, TWILIO_WHATSAPP_CONTENT_SID_1H: "HX1h", TWILIO_WHATSAPP_CONTENT_SID_15M: " " });
    expect([...config.twilio.whatsappTemplates]).toEqual([[60, "HX1h"]]);
  });
});

describe("credentials", () => {
  const names = { appId: "AGORA_APP_ID", appCertificate: "AGORA_APP_CERTIFICATE" } as const;

  it("is configured, not configured or half-configured, naming what is missing", () => {
    expect(credentials({ AGORA_APP_ID: "a", AGORA_APP_CERTIFICATE: " c " }, names)).toEqual({
      state: "configured",
      values: { appId: "a", appCertificate: "c" },
    });
    expect(credentials({ AGORA_APP_ID: " " }, names)).toEqual({
      state: "not_configured",
      missing: ["AGORA_APP_ID", "AGORA_APP_CERTIFICATE"],
    });
    expect(credentials({ AGORA_APP_ID: "a" }, names)).toEqual({ state: "half_configured", missing: ["AGORA_APP_CERTIFICATE"] });
  });
});

describe("reminderOffsets", () => {
  it("reads the configured minutes, largest first, tolerating spaces", () => {
    expect(reminderOffsets("1440,60,15")).toEqual([1440, 60, 15]);
    expect(reminderOffsets(" 15, 1440 ,60 ")).toEqual([1440, 60, 15]);
    expect(reminderOffsets("30")).toEqual([30]);
  });

  it("falls back to 24 h, 1 h and 15 min when unset", () => {
    expect(reminderOffsets(undefined)).toEqual([1440, 60, 15]);
  });

  it.each([
    ["1440,,15", '"" is not a whole number of minutes from 1 to 10080'],
    ["1440,1h,15", '"1h" is not a whole number of minutes from 1 to 10080'],
    ["60,-15", '"-15" is not a whole number of minutes from 1 to 10080'],
    ["0", '"0" is not a whole number of minutes from 1 to 10080'],
    ["7.5", '"7.5" is not a whole number of minutes from 1 to 10080'],
    ["10081", '"10081" is not a whole number of minutes from 1 to 10080'],
    ["60,15,60", "an offset is listed twice"],
  ])("rejects %j with a message naming the setting and the problem", (setting, problem) => {
    expect(reminderOffsets(setting)).toEqual({
      invalid: `REMINDER_OFFSETS must be comma-separated minutes before the start, like "1440,60,15"; in "${setting}" ${problem}`,
    });
  });
});
