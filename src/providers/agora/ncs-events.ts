import { z } from "@hono/zod-openapi";
import { isParticipantKind, isPlausibleEventTime, type RoomEvent, type RoomEventKind } from "../room-event";

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
    ts: z.number().refine((seconds) => isPlausibleEventTime(seconds * 1000)),
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
