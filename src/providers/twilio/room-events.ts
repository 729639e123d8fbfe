import { z } from "@hono/zod-openapi";
import { isParticipantKind, isPlausibleEventTime, type RoomEvent, type RoomEventKind } from "../room-event";
import type { FormParams } from "./webhook-signature";

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
  Timestamp: z.string().refine((text) => isPlausibleEventTime(Date.parse(text))),
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
