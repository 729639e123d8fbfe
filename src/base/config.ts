import { z } from "@hono/zod-openapi";
import { isValidTimeZone } from "../time/zoned";
import { ApiError, ConfigError } from "./errors";
import { type VideoProvider, videoProviders } from "./video-provider";

/**
 * Credentials that come as a set: all present, none (the feature is off, or with LOCAL_OUTBOX
 * goes to the local outbox), or some (a deployment mistake, which must fail visibly, never silently).
 * `missing` names the settings, never their values.
 */
export type Credentials<T> =
  | { state: "configured"; values: T }
  | { state: "not_configured"; missing: string[] }
  | { state: "half_configured"; missing: string[] };

/** A setting whose value is known to be wrong: the feature that needs it refuses with `problem`. */
export type Invalid = { invalid: string };

/** Everything the Worker reads from its vars and secrets, parsed once per isolate. */
export interface Config {
  /** This service's public origin, without a trailing slash: webhook URLs and signatures use it. */
  publicBaseUrl: string;
  /** Where meeting links point (`<meetingBaseUrl>/video-session/<room>`), without a trailing slash. */
  meetingBaseUrl: string;
  defaultTimezone: string;
  defaultVideoProvider: VideoProvider;
  /** Minutes before the start, distinct, largest first. */
  reminderOffsets: readonly number[];
  /** How long audit events are kept, in days; the cron deletes older ones. */
  auditRetentionDays: number;
  jwt: { secret: string; issuer?: string; audience?: string; jwksUrl?: string; maxAgeSeconds: number };
  /**
   * Signs personal join links and the session-scoped tokens they are redeemed for:
   * SESSION_LINK_SECRET, or when unset a key derived from JWT_SECRET (a different HMAC key, so
   * neither kind of token passes for the other). Empty when neither is set.
   */
  sessionLinkSecret: string;
  /**
   * How video providers name a party: `email` (`<id>-<email>`, which front ends parse) or
   * `opaque` (an HMAC of the user id under `key`, derived from SESSION_LINK_SECRET or JWT_SECRET),
   * so no email reaches the vendor.
   */
  videoIdentity: VideoIdentity;
  /** Origins of practices' own front ends that may call the API from a browser. */
  corsAllowedOrigins: readonly string[];
  /**
   * LOCAL_OUTBOX: messages of a channel without provider credentials are kept in D1's outbox
   * (`GET /api/admin/outbox`) and count as sent. For local development only: a deployment without
   * it records such messages as skipped, `not_configured`, and stores none of their contents.
   */
  localOutbox: boolean;
  /**
   * How long a provider gets to answer one call, in ms: Twilio Rooms, Agora bans, TURN (at most
   * 3 s of it), and each WhatsApp or email send. At most a minute, so a send ends well inside its
   * ledger claim's two-minute lease.
   */
  providerTimeoutMs: number;
  twilio: {
    apiBaseUrl: string;
    videoBaseUrl: string;
    /** Access tokens: the account and an API key. */
    video: Credentials<{ accountSid: string; apiKeySid: string; apiKeySecret: string }>;
    /** The Rooms REST API: an API key. */
    rest: Credentials<{ apiKeySid: string; apiKeySecret: string }>;
    roomMaxParticipants: number | Invalid;
    /** Signs Twilio's webhooks; unset, every Twilio webhook is refused. */
    authToken?: string;
    /** Our WhatsApp sender, E.164: also what the local outbox shows as the sender. */
    whatsappFrom?: string;
    /** WhatsApp through the Messages API; not configured, skipped or (LOCAL_OUTBOX) the local outbox. */
    whatsapp: Credentials<{ accountSid: string; apiKeySid: string; apiKeySecret: string; from: string }>;
    /** Approved content template SIDs by reminder offset in minutes. */
    whatsappTemplates: ReadonlyMap<number, string>;
  };
  agora: {
    tokens: Credentials<{ appId: string; appCertificate: string }>;
    /** Agora's RESTful API (a Customer ID and secret): bans that end a cancelled session's channel. */
    rest: Credentials<{ customerId: string; customerSecret: string }>;
    apiBaseUrl: string;
    /** Signs Agora's NCS webhooks; unset, every Agora webhook is refused. */
    ncsSecret?: string;
  };
  email: { apiBaseUrl: string; from: string; apiKey?: string };
  /** Cloudflare Realtime TURN for the built-in provider; not configured, browsers use STUN only. */
  turn: { apiBaseUrl: string; key: Credentials<{ keyId: string; apiToken: string }> };
}

export type VideoIdentity = { mode: "email" } | { mode: "opaque"; key: string };

/** Settings are strings; unset ones arrive empty. Blank counts as unset. */
type Settings = Partial<Record<keyof Env, unknown>>;

/** How long a provider gets to answer one call unless PROVIDER_TIMEOUT_MS says otherwise; past it, the call counts as unanswered. */
export const DEFAULT_PROVIDER_TIMEOUT_MS = 10_000;
const DEFAULT_REMINDER_OFFSETS = "1440,60,15";
const MIN_JWT_SECRET_BYTES = 32;
/** A week: further ahead than that a reminder stops reminding anyone of anything. */
const MAX_OFFSET_MINUTES = 7 * 24 * 60;
const TEMPLATE_SETTINGS = [
  [1440, "TWILIO_WHATSAPP_CONTENT_SID_24H"],
  [60, "TWILIO_WHATSAPP_CONTENT_SID_1H"],
  [15, "TWILIO_WHATSAPP_CONTENT_SID_15M"],
] as const;

const parsed = new WeakMap<object, Config>();

/**
 * The configuration of this `env`, parsed on first use and kept for the isolate's life (the
 * runtime hands every request the same `env`). Throws `ConfigError` naming each bad setting.
 */
export function configOf(env: Env): Config {
  let config = parsed.get(env);
  if (!config) {
    config = parseConfig(env);
    parsed.set(env, config);
  }
  return config;
}

/** Pure: settings in, typed configuration out. */
export function parseConfig(env: Settings): Config {
  const problems: string[] = [];
  const text = (name: keyof Env) => optional(env[name]);
  const url = (name: keyof Env, fallback?: string) => {
    const value = text(name) ?? fallback;
    if (value === undefined || !z.url({ protocol: /^https?$/ }).safeParse(value).success) {
      problems.push(`${name} must be an http(s) URL`);
      return "";
    }
    return value.replace(/\/+$/, "");
  };
  const twilioVideo = credentials(env, {
    accountSid: "TWILIO_ACCOUNT_SID",
    apiKeySid: "TWILIO_API_KEY_SID",
    apiKeySecret: "TWILIO_API_KEY_SECRET",
  });
  const agoraTokens = credentials(env, { appId: "AGORA_APP_ID", appCertificate: "AGORA_APP_CERTIFICATE" });
  const provider = text("DEFAULT_VIDEO_PROVIDER") ?? defaultProvider(twilioVideo, agoraTokens);
  if (!isVideoProvider(provider)) problems.push(`DEFAULT_VIDEO_PROVIDER must be one of ${videoProviders.join(", ")}`);
  const offsets = reminderOffsets(text("REMINDER_OFFSETS"));
  if ("invalid" in offsets) problems.push(offsets.invalid);
  const publicBaseUrl = url("PUBLIC_BASE_URL");
  const origins = (text("CORS_ALLOWED_ORIGINS") ?? "")
    .split(",")
    .map((origin) => origin.trim())
    .filter(Boolean);
  const badOrigin = origins.find((origin) => !isOrigin(origin));
  if (badOrigin !== undefined)
    problems.push(`CORS_ALLOWED_ORIGINS must list origins like https://practice.example.com, comma-separated; "${badOrigin}" is not one`);
  const jwtSecret = text("JWT_SECRET") ?? "";
  // HS256 with a short secret can be brute-forced offline from any one token.
  if (jwtSecret && utf8Length(jwtSecret) < MIN_JWT_SECRET_BYTES) problems.push(`JWT_SECRET must be at least ${MIN_JWT_SECRET_BYTES} bytes`);
  const maxAge = text("JWT_MAX_AGE_SECONDS") ?? String(24 * 60 * 60);
  if (!/^\d+$/.test(maxAge) || Number(maxAge) < 60) problems.push("JWT_MAX_AGE_SECONDS must be a whole number of seconds, at least 60");
  const localOutbox = text("LOCAL_OUTBOX") ?? "false";
  if (localOutbox !== "true" && localOutbox !== "false") problems.push("LOCAL_OUTBOX must be true, false or empty");
  // HIPAA keeps documentation of access to health data for six years.
  const auditRetention = text("AUDIT_RETENTION_DAYS") ?? String(6 * 365);
  if (!/^\d+$/.test(auditRetention) || Number(auditRetention) < 1)
    problems.push("AUDIT_RETENTION_DAYS must be a whole number of days, at least 1");
  const providerTimeout = text("PROVIDER_TIMEOUT_MS") ?? String(DEFAULT_PROVIDER_TIMEOUT_MS);
  if (!/^\d+$/.test(providerTimeout) || Number(providerTimeout) < 100 || Number(providerTimeout) > 60_000)
    problems.push("PROVIDER_TIMEOUT_MS must be a whole number of milliseconds from 100 to 60000");
  const timezone = text("DEFAULT_TIMEZONE") ?? "UTC";
  if (!isValidTimeZone(timezone)) problems.push("DEFAULT_TIMEZONE must be an IANA time zone such as Europe/London");
  const videoIdentity = videoIdentityOf(text("VIDEO_IDENTITY_MODE"), text("SESSION_LINK_SECRET") ?? text("JWT_SECRET"));
  if ("invalid" in videoIdentity) problems.push(videoIdentity.invalid);
  const config: Config = {
    publicBaseUrl,
    meetingBaseUrl: url("MEETING_BASE_URL", publicBaseUrl || undefined),
    defaultTimezone: timezone,
    defaultVideoProvider: isVideoProvider(provider) ? provider : "webrtc",
    reminderOffsets: "invalid" in offsets ? [] : offsets,
    auditRetentionDays: Number(auditRetention),
    jwt: {
      secret: jwtSecret,
      issuer: text("JWT_ISSUER"),
      audience: text("JWT_AUDIENCE"),
      jwksUrl: text("JWT_JWKS_URL"),
      maxAgeSeconds: Number(maxAge),
    },
    sessionLinkSecret: text("SESSION_LINK_SECRET") ?? (text("JWT_SECRET") ? `session-links:${text("JWT_SECRET")}` : ""),
    videoIdentity: "invalid" in videoIdentity ? { mode: "email" } : videoIdentity,
    corsAllowedOrigins: origins,
    localOutbox: localOutbox === "true",
    providerTimeoutMs: Number(providerTimeout),
    twilio: {
      apiBaseUrl: url("TWILIO_API_BASE_URL", "https://api.twilio.com"),
      videoBaseUrl: url("TWILIO_VIDEO_BASE_URL", "https://video.twilio.com"),
      video: twilioVideo,
      rest: credentials(env, { apiKeySid: "TWILIO_API_KEY_SID", apiKeySecret: "TWILIO_API_KEY_SECRET" }),
      roomMaxParticipants: roomMaxParticipants(text("TWILIO_ROOM_MAX_PARTICIPANTS")),
      authToken: text("TWILIO_AUTH_TOKEN"),
      whatsappFrom: whatsappFrom(env),
      whatsapp: whatsappCredentials(env),
      whatsappTemplates: new Map(TEMPLATE_SETTINGS.flatMap(([offset, name]) => (text(name) ? [[offset, text(name)!] as const] : []))),
    },
    agora: {
      tokens: agoraTokens,
      rest: credentials(env, { customerId: "AGORA_CUSTOMER_ID", customerSecret: "AGORA_CUSTOMER_SECRET" }),
      apiBaseUrl: url("AGORA_API_BASE_URL", "https://api.agora.io"),
      ncsSecret: text("AGORA_NCS_SECRET"),
    },
    email: {
      apiBaseUrl: url("EMAIL_API_BASE_URL", "https://api.postmarkapp.com"),
      from: text("EMAIL_FROM") ?? "",
      apiKey: text("EMAIL_API_KEY"),
    },
    turn: {
      apiBaseUrl: url("TURN_API_BASE_URL", "https://rtc.live.cloudflare.com"),
      key: credentials(env, { keyId: "TURN_KEY_ID", apiToken: "TURN_KEY_API_TOKEN" }),
    },
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * The one place that decides configured, not configured or half-configured: every named
 * setting present, none, or some.
 */
export function credentials<K extends string>(env: Settings, names: Record<K, keyof Env>): Credentials<Record<K, string>> {
  const entries = Object.entries(names) as Array<[K, keyof Env]>;
  const missing = entries.filter(([, name]) => optional(env[name]) === undefined).map(([, name]) => name as string);
  if (missing.length === 0) {
    return {
      state: "configured",
      values: Object.fromEntries(entries.map(([key, name]) => [key, optional(env[name])])) as Record<K, string>,
    };
  }
  return { state: missing.length === entries.length ? "not_configured" : "half_configured", missing };
}

/**
 * The values of credentials a feature cannot work without, or a 500 `"<failure>: X is not set"`
 * that names what is missing and never shows a value (secrets stay out of responses and logs).
 */
export function configured<T>(setup: Credentials<T>, failure: string): T {
  if (setup.state === "configured") return setup.values;
  const { missing } = setup;
  console.error(JSON.stringify({ event: "settings_missing", missing }));
  throw new ApiError(500, `${failure}: ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set`);
}

/** A setting that must be valid for a feature to work, or a 500 `"<failure>: <problem>"`. */
export function valid<T>(setting: T | Invalid, failure: string): T {
  if (typeof setting === "object" && setting !== null && "invalid" in setting) throw new ApiError(500, `${failure}: ${setting.invalid}`);
  return setting;
}

/** The sender is the number alone: a "whatsapp:" prefix pasted from Twilio's console is tolerated. */
function whatsappFrom(env: Settings): string | undefined {
  return optional(optional(env.TWILIO_WHATSAPP_FROM)?.replace(/^whatsapp:/, ""));
}

/**
 * WhatsApp is on once TWILIO_ACCOUNT_SID is set (without it: off, or the local outbox); then the API key
 * and the sender must be set too.
 */
function whatsappCredentials(env: Settings): Config["twilio"]["whatsapp"] {
  const set = credentials(
    { ...env, TWILIO_WHATSAPP_FROM: whatsappFrom(env) },
    {
      accountSid: "TWILIO_ACCOUNT_SID",
      apiKeySid: "TWILIO_API_KEY_SID",
      apiKeySecret: "TWILIO_API_KEY_SECRET",
      from: "TWILIO_WHATSAPP_FROM",
    },
  );
  if (set.state !== "configured" && optional(env.TWILIO_ACCOUNT_SID) === undefined)
    return { state: "not_configured", missing: set.missing };
  return set.state === "configured" ? set : { state: "half_configured", missing: set.missing };
}

/**
 * Minutes before the start at which reminders go out, distinct, largest first; unset means
 * 24 hours, 1 hour and 15 minutes.
 *
 * @example reminderOffsets("15, 1440,60") // [1440, 60, 15]
 */
export function reminderOffsets(setting: string | undefined): number[] | Invalid {
  const source = setting ?? DEFAULT_REMINDER_OFFSETS;
  const parts = source.split(",").map((part) => part.trim());
  const invalid = (problem: string): Invalid => ({
    invalid: `REMINDER_OFFSETS must be comma-separated minutes before the start, like "${DEFAULT_REMINDER_OFFSETS}"; in "${source}" ${problem}`,
  });
  const bad = parts.find((part) => !/^\d+$/.test(part) || Number(part) < 1 || Number(part) > MAX_OFFSET_MINUTES);
  if (bad !== undefined) return invalid(`"${bad}" is not a whole number of minutes from 1 to ${MAX_OFFSET_MINUTES}`);
  const minutes = parts.map(Number);
  if (new Set(minutes).size !== minutes.length) return invalid("an offset is listed twice");
  return minutes.sort((a, b) => b - a);
}

/**
 * With DEFAULT_VIDEO_PROVIDER unset: the vendor whose credentials are set (Twilio first), else
 * the built-in provider, so sessions work on a machine with no vendor account.
 */
function defaultProvider(twilio: Credentials<unknown>, agora: Credentials<unknown>): VideoProvider {
  if (twilio.state === "configured") return "twilio";
  return agora.state === "configured" ? "agora" : "webrtc";
}

/** Two by default (the psychologist and the patient); Twilio's group rooms take at most 50. */
function roomMaxParticipants(setting: string | undefined): number | Invalid {
  if (setting === undefined) return 2;
  const count = Number(setting);
  return Number.isInteger(count) && count >= 2 && count <= 50
    ? count
    : { invalid: "TWILIO_ROOM_MAX_PARTICIPANTS must be a whole number from 2 to 50" };
}

/**
 * `email` unless set. The opaque key is its own derivation of the secret (a different HMAC key
 * from the session links'), so an identity never doubles as any other MAC.
 */
function videoIdentityOf(mode: string | undefined, secret: string | undefined): VideoIdentity | Invalid {
  if (mode === undefined || mode === "email") return { mode: "email" };
  if (mode !== "opaque") return { invalid: "VIDEO_IDENTITY_MODE must be email or opaque" };
  if (secret === undefined)
    return { invalid: "VIDEO_IDENTITY_MODE=opaque needs SESSION_LINK_SECRET or JWT_SECRET to derive identities from" };
  return { mode: "opaque", key: `video-identities:${secret}` };
}

/** `scheme://host[:port]` and nothing more: what a browser sends as `Origin`. */
function isOrigin(value: string): boolean {
  return URL.canParse(value) && new URL(value).origin === value && /^https?:/.test(value);
}

function isVideoProvider(value: string): value is VideoProvider {
  return (videoProviders as readonly string[]).includes(value);
}

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

function optional(value: unknown): string | undefined {
  const trimmed = typeof value === "string" ? value.trim() : undefined;
  return trimmed ? trimmed : undefined;
}
