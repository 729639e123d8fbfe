import { z } from "@hono/zod-openapi";
import { fetchWithRetries } from "../provider-fetch";

/** What RTCPeerConnection takes as `iceServers`. */
export type IceServer = { urls: string | string[]; username?: string; credential?: string };

/**
 * A Cloudflare Realtime TURN key: its id, its API token, the API's base URL (overridable for
 * stand-ins), and how long one call may take (see `turnTimeoutMs`).
 */
export type TurnKey = { baseUrl: string; keyId: string; apiToken: string; timeoutMs: number };

/** Cloudflare's public STUN server: what browsers get when there is no TURN key or TURN is down. */
export const stunOnly: readonly IceServer[] = [{ urls: "stun:stun.cloudflare.com:3478" }];

/** A session page waits for this call: a slow TURN API must not hold the page for long. */
const TURN_TIMEOUT_MS = 3_000;

/** The configured provider timeout, but never more than TURN_TIMEOUT_MS. */
export const turnTimeoutMs = (providerTimeoutMs: number) => Math.min(providerTimeoutMs, TURN_TIMEOUT_MS);

const iceServersSchema = z.object({
  iceServers: z
    .array(
      z.object({
        urls: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
        username: z.string().optional(),
        credential: z.string().optional(),
      }),
    )
    .min(1),
});

export type TurnResult = { ok: true; iceServers: IceServer[] } | { ok: false; error: string };

/**
 * Short-lived ICE servers (STUN, and TURN with a username and credential that expire after
 * `ttlSeconds`) from `POST /v1/turn/keys/<id>/credentials/generate-ice-servers`. Never throws:
 * a failure comes back as `error` (status or kind only, never a credential), for the caller to
 * fall back on STUN.
 *
 * @example await generateIceServers({ baseUrl: "https://rtc.live.cloudflare.com", keyId, apiToken, timeoutMs: 3000 }, 3600)
 */
export async function generateIceServers(key: TurnKey, ttlSeconds: number): Promise<TurnResult> {
  // Each call mints fresh credentials; one more after a failure costs nothing.
  const response = await fetchWithRetries(
    `${key.baseUrl}/v1/turn/keys/${encodeURIComponent(key.keyId)}/credentials/generate-ice-servers`,
    {
      method: "POST",
      headers: { authorization: `Bearer ${key.apiToken}`, "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ ttl: ttlSeconds }),
    },
    { timeoutMs: key.timeoutMs },
  );
  if (!response) return { ok: false, error: "turn network_error" };
  if (!response.ok) return { ok: false, error: `turn ${response.status}` };
  const parsed = iceServersSchema.safeParse(await response.json().catch(() => undefined));
  return parsed.success ? { ok: true, iceServers: parsed.data.iceServers } : { ok: false, error: "turn unreadable_response" };
}
