import { z } from "@hono/zod-openapi";
import type { FormParams } from "../video/twilio/webhook-signature";

export type VideoProvider = "twilio" | "agora";

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

const twilioKinds: Record<string, RoomEventKind> = {
  "room-created": "room-created",
  "room-ended": "room-ended",
  "participant-connected": "participant-connected",
  "participant-disconnected": "participant-disconnected",
};

const twilioStatusCallback = z.object({
  RoomSid: z.string().min(1),
  RoomName: z.string().min(1),
  StatusCallbackEvent: z.string().min(1),
  // Documented as UTC ISO 8601; any form Date.parse reads is taken rather than dropping the event.
  Timestamp: z.string().refine((text) => !Number.isNaN(Date.parse(text))),
  SequenceNumber: z.string().min(1),
  ParticipantSid: z.string().min(1).optional(),
  ParticipantIdentity: z.string().min(1).optional(),
});

/**
 * A Twilio Video Rooms status callback as a room event, or undefined when a field the state
 * needs is missing (the route answers 400). Track and recording events become "other".
 * Order comes from `Timestamp`: Twilio documents SequenceNumber as internal, not the true order.
 */
export function twilioRoomEvent(params: FormParams): RoomEvent | undefined {
  const parsed = twilioStatusCallback.safeParse(Object.fromEntries(params));
  if (!parsed.success) return undefined;
  const { RoomSid, RoomName, StatusCallbackEvent, Timestamp, SequenceNumber, ParticipantSid, ParticipantIdentity } = parsed.data;
  const kind = twilioKinds[StatusCallbackEvent] ?? "other";
  const participant = ParticipantSid && ParticipantIdentity ? { key: ParticipantSid, identity: ParticipantIdentity } : undefined;
  if (isParticipantKind(kind) && !participant) return undefined;
  return {
    id: [RoomSid, StatusCallbackEvent, ParticipantSid ?? "", SequenceNumber].join(":"),
    provider: "twilio",
    kind,
    at: Date.parse(Timestamp),
    roomName: RoomName,
    roomSid: RoomSid,
    ...(participant && { participant }),
  };
}

/** Agora RTC channel event types (productId 1). */
const agoraKinds: Record<number, RoomEventKind> = {
  101: "room-created",
  102: "room-ended",
  103: "participant-connected", // broadcaster joins
  104: "participant-disconnected", // broadcaster leaves
  105: "participant-connected", // audience member joins
  106: "participant-disconnected", // audience member leaves
  107: "participant-connected", // joins, communication profile
  108: "participant-disconnected", // leaves, communication profile
  // A role change (111 to broadcaster, 112 to audience) is only ever reported for a user who is
  // in the channel, so it proves presence when the join itself was lost.
  111: "participant-connected",
  112: "participant-connected",
};

const agoraRtcNotice = z.object({
  noticeId: z.string().min(1),
  productId: z.literal(1),
  eventType: z.number().int(),
  payload: z.object({
    channelName: z.string().min(1),
    /** Unix seconds. */
    ts: z.number().nonnegative(),
    uid: z.number().int().nonnegative().optional(),
    clientSeq: z.number().int().optional(),
  }),
});

/**
 * An Agora Notifications RTC channel event (already JSON-parsed) as a room event, or undefined
 * when it is not an RTC channel event or lacks what the state needs (the route answers 400).
 * `noticeId` is kept across Agora's retries, unlike `notifyMs`, so it is the event's identity.
 */
export function agoraChannelEvent(body: unknown): RoomEvent | undefined {
  const parsed = agoraRtcNotice.safeParse(body);
  if (!parsed.success) return undefined;
  const { noticeId, eventType, payload } = parsed.data;
  const kind = agoraKinds[eventType] ?? "other";
  const { uid, clientSeq } = payload;
  if (isParticipantKind(kind) && (uid === undefined || clientSeq === undefined)) return undefined;
  return {
    id: noticeId,
    provider: "agora",
    kind,
    at: payload.ts * 1000,
    roomName: payload.channelName,
    roomSid: payload.channelName,
    ...(uid !== undefined && { participant: { key: String(uid), identity: String(uid) } }),
    ...(clientSeq !== undefined && { clientSeq }),
  };
}

export function isParticipantKind(kind: RoomEventKind): kind is "participant-connected" | "participant-disconnected" {
  return kind === "participant-connected" || kind === "participant-disconnected";
}
