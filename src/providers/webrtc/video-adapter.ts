import type { Config } from "../../base/config";
import type { VideoProviderAdapter, WebRtcConnection } from "../video-adapter";
import { generateIceServers, type IceServer, stunOnly, turnTimeoutMs } from "./turn-credentials";

/** The signalling WebSocket's path for a room, on this service's own API. */
export const signallingPath = (roomName: string) => `/api/video-sessions/${encodeURIComponent(roomName)}/signal/`;

/**
 * The built-in provider: the two parties' browsers connect directly (media end to end, DTLS-SRTP),
 * signalled through the room's Durable Object. Nothing to sign: admission is the API's own
 * authentication, so the connection carries ICE servers and where to signal. No webhook (the room
 * object sees connections itself) and nothing to heal from.
 */
export const webrtcVideo: VideoProviderAdapter<WebRtcConnection> = {
  // Nothing here is a bearer secret but the TURN credential, and it may as well last the session:
  // the connection lives until the room closes, and TURN is asked for exactly that long.
  async admit(config, { roomName, party, roomClosesAt, now }) {
    return {
      provider: "webrtc",
      roomName,
      identity: String(party.id),
      // The patient gives way: the clinician's offer wins a glare, a stable choice on both sides.
      polite: party.side === "patient",
      iceServers: await iceServers(config, Math.max(60, roomClosesAt - now)),
      signallingPath: signallingPath(roomName),
      expiresAt: roomClosesAt,
    };
  },

  identity: async (_config, party) => String(party.id),
};

/**
 * TURN credentials that last until the room closes when a TURN key is set; STUN otherwise. A TURN
 * outage (or a half-set key) degrades to STUN with a warning: most calls connect without a relay.
 */
async function iceServers({ turn, providerTimeoutMs }: Config, ttlSeconds: number): Promise<readonly IceServer[]> {
  if (turn.key.state === "not_configured") return stunOnly;
  if (turn.key.state === "half_configured") {
    console.warn(JSON.stringify({ event: "turn_unavailable", reason: "settings_missing", missing: turn.key.missing }));
    return stunOnly;
  }
  const key = { baseUrl: turn.apiBaseUrl, ...turn.key.values, timeoutMs: turnTimeoutMs(providerTimeoutMs) };
  const result = await generateIceServers(key, ttlSeconds);
  if (result.ok) return result.iceServers;
  console.warn(JSON.stringify({ event: "turn_unavailable", reason: result.error }));
  return stunOnly;
}
