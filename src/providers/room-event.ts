import type { VideoProvider } from "../base/video-provider";

export type RoomEventKind = "room-created" | "room-ended" | "participant-connected" | "participant-disconnected" | "other";

/** One webhook from either provider, reduced to what the live room state needs. */
export interface RoomEvent {
  /** The provider's identity for the event: the same on every redelivery, so duplicates are seen. */
  id: string;
  provider: VideoProvider;
  kind: RoomEventKind;
  /** When the event happened by the provider's clock (epoch ms), not when it reached us. */
  at: number;
  /** Twilio's RoomName or Agora's channel name: what the room was opened as. */
  roomName: string;
  /** Twilio's RoomSid; Agora has no separate id, so its channel name. */
  roomSid: string;
  /** Present on participant events. `key` is Twilio's ParticipantSid or Agora's uid. */
  participant?: { key: string; identity: string };
  /** Agora's per-user sequence number: the true order of one user's events. */
  clientSeq?: number;
}

export function isParticipantKind(kind: RoomEventKind): kind is "participant-connected" | "participant-disconnected" {
  return kind === "participant-connected" || kind === "participant-disconnected";
}

/**
 * Whether a provider's event time (epoch ms) is an instant a room event could have happened at.
 * A signed event with an absurd time (Agora `ts: 1e300`) would otherwise be stored, and every
 * later read of the room would compute durations and dates from it and fail.
 */
export function isPlausibleEventTime(ms: number): boolean {
  return Number.isFinite(ms) && ms >= EARLIEST_EVENT_MS && ms <= LATEST_EVENT_MS;
}
const EARLIEST_EVENT_MS = Date.UTC(2015, 0, 1);
const LATEST_EVENT_MS = Date.UTC(2100, 0, 1);
