import type { Config } from "../base/config";
import { ApiError } from "../base/errors";
import type { RoomEvent } from "./room-event";
import type { IceServer } from "./webrtc/turn-credentials";

/**
 * The contract every video provider fulfils, so that token endpoints, room entry, room events
 * and the web client treat providers alike. A provider is a folder beside this file with an
 * adapter of this shape, plus one entry in the registry (`video/provider-registry.ts`).
 */
export interface VideoProviderAdapter<C extends Connection = Connection> {
  /**
   * What one party needs to connect to the room until `expiresAt`: credentials signed here.
   * Throws a 500 naming what is missing when the provider is not configured.
   */
  admit(config: Config, admission: Admission): Promise<C>;
  /** How the provider names the party in its room events: what `admit` hands out as its identity. */
  identity(config: Config, party: Admission["party"]): Promise<string>;
  /**
   * The provider's room webhook: where it calls, and how a delivery becomes a room event. None
   * for the built-in provider, whose room events come from its own signalling.
   */
  webhook?: RoomWebhook;
  /**
   * Takes back what `admit` handed out, where the provider can: drops who is connected (everyone,
   * or the one party named) and keeps tokens already issued out until `until`. "not_configured"
   * when the provider's REST credentials are not set (there is nobody to call); throws when the
   * provider refused or could not be reached, so the caller retries.
   */
  revoke?(config: Config, revocation: ProviderRevocation): Promise<"revoked" | "not_configured">;
  /** Who the provider says is connected now, where it can say: heals lost webhooks. */
  listConnected?(config: Config, roomSid: string): Promise<ListedParticipant[]>;
}

/** One party entering one room; times are unix seconds. */
export type Admission = {
  roomName: string;
  /** The party's side of the appointment. */
  party: { id: number; email: string; side: "psychologist" | "patient" };
  /** When the credentials should lapse (token-ttl.ts decides per purpose). */
  expiresAt: number;
  /** When the join window closes: nothing admitted here outlives it. */
  roomClosesAt: number;
  now: number;
};

/** Access to one room taken back; times are unix seconds. */
export type ProviderRevocation = {
  roomName: string;
  /** The provider's id of the live room, when one is known to be in progress. */
  roomSid?: string;
  /** One party only (deactivated); everyone when absent (cancelled, moved). */
  userId?: number;
  /** Until when tokens issued before must stay useless: the room's close. */
  until: number;
  now: number;
};

export type TwilioConnection = { provider: "twilio"; roomName: string; token: string; identity: string; expiresAt: number };
export type AgoraConnection = { provider: "agora"; appId: string; channel: string; token: string; uid: number; expiresAt: number };
export type WebRtcConnection = {
  provider: "webrtc";
  roomName: string;
  /** The party's user id: how presence and the other side name them. */
  identity: string;
  /** Perfect negotiation's polite peer gives way when both offer at once. */
  polite: boolean;
  iceServers: readonly IceServer[];
  /** Where the page opens its signalling WebSocket (this service's own API). */
  signallingPath: string;
  expiresAt: number;
};
/** What a client needs to connect, by provider. */
export type Connection = TwilioConnection | AgoraConnection | WebRtcConnection;

export type ListedParticipant = { key: string; identity: string; connectedAt?: number };

export type RoomWebhook = {
  path: string;
  summary: string;
  description: string;
  /**
   * Verifies one delivery (403 when the signature fails, before anything is parsed) and reads it:
   * the room event, or "ignored" for a notice that is not a room's. A signed body that is not an
   * event we can read is a 400.
   */
  receive(request: Request, config: Config): Promise<RoomEvent | "ignored">;
};

/** Runs a token builder; its failure becomes a 500 with the builder's own (secret-free) reason. */
export async function buildingToken<T>(build: () => Promise<T>): Promise<T> {
  try {
    return await build();
  } catch (err) {
    throw new ApiError(500, `Failed to generate access token: ${err instanceof Error ? err.message : "unknown error"}`);
  }
}
