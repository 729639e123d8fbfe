import type { Connection } from "../api/types";

/**
 * One interface over every video provider. The page hands an adapter the server's connection
 * object and the person's own tracks; the adapter hands back a call that reports, in the same
 * words whatever the provider, who is there and which media they send. Remote media arrives
 * as plain MediaStreamTracks, so the page renders every provider with the same <video>/<audio>
 * elements (and a built-in RTCPeerConnection adapter gets them from `ontrack` as they are).
 */
export type CallEventFromProvider =
  | { type: "participant-connected"; identity: string }
  | { type: "participant-disconnected"; identity: string }
  | { type: "track-added"; identity: string; track: MediaStreamTrack }
  | { type: "track-removed"; identity: string; track: MediaStreamTrack }
  | { type: "reconnecting" }
  | { type: "reconnected" }
  /** The provider wants a fresh token soon (Agora's token-privilege-will-expire). */
  | { type: "token-expiring" }
  /**
   * The call is over for this device. `tokenExpired`: the provider refused or dropped an expired
   * token (Twilio 20104, Agora token-privilege-did-expire), so a fresh token will get back in.
   * `ending`: the session itself ended this device's call (see SessionEnding), not the network.
   */
  | { type: "disconnected"; tokenExpired: boolean; code?: number | string; message?: string; ending?: SessionEnding };

/**
 * Why the server ended this device's call: the session continues in another tab or window of
 * the same person, was cancelled, moved to a new time, or its room closed; or this person's
 * sign-in expired, or their access was withdrawn (their account deactivated).
 */
export type SessionEnding = "elsewhere" | "cancelled" | "moved" | "closed" | "expired" | "revoked";

/** Close codes with which the server ends this device's room sockets for good: reconnecting cannot help. */
const endings: Record<number, SessionEnding> = {
  4001: "elsewhere",
  4003: "cancelled",
  4004: "moved",
  4005: "closed",
  4006: "expired",
  4007: "revoked",
};

/** What a room socket's close code says about the session, if it ended this device's part in it. */
export function sessionEndingOf(code: number): SessionEnding | undefined {
  return endings[code];
}

export interface LocalMedia {
  microphone: MediaStreamTrack | null;
  microphoneEnabled: boolean;
  /** null: camera off (released, so its light is off too). */
  camera: MediaStreamTrack | null;
}

export interface VideoCall {
  /** Identities already in the room when we entered; later ones arrive as events. */
  readonly remotes: readonly string[];
  setMicrophoneEnabled(enabled: boolean): Promise<void>;
  /** Publishes a new microphone track (another device was picked). */
  replaceMicrophone(track: MediaStreamTrack): Promise<void>;
  /** Publishes `track` in place of the current camera, or stops sending video (null). */
  setCamera(track: MediaStreamTrack | null): Promise<void>;
  /** Hands the provider a fresh token (from POST .../refresh/) before the current one expires. */
  refresh(connection: Connection): Promise<void>;
  leave(): Promise<void>;
}

export interface VideoProviderAdapter<C extends Connection = Connection> {
  /** Downloads the provider's SDK ahead of `connect` (while the person is still in the green room). */
  preload(): Promise<void>;
  /** `page.bearer`: the page's own API token, for a provider that signals through our server (webrtc). */
  connect(connection: C, local: LocalMedia, onEvent: (event: CallEventFromProvider) => void, page: { bearer: string }): Promise<VideoCall>;
}
