import { isoFromSeconds } from "../time/iso";
import { type CastMember, castMemberOf, type RoomCast } from "./room-cast";
import type { RoomChange } from "./room-state";
import type { AppointmentRoomStatus } from "./room-status-view";

/**
 * What a dashboard's WebSocket receives: the room's status first, then one message per change.
 * Times are ISO 8601 UTC; a leaver's `duration` is their connected seconds so far.
 */
export type LiveMessage =
  | { type: "status"; data: AppointmentRoomStatus }
  | { type: "call.started" | "call.ended" | "call.cancelled"; at: string }
  | { type: "participant.joined"; at: string; participant: { sid: string; identity: string } & Named }
  | { type: "participant.left"; at: string; participant: { sid: string; identity: string; duration: number } & Named };

/** Who the participant is, when the room has a cast (opaque identities). */
type Named = Partial<Omit<CastMember, "identity">>;

export function statusMessage(status: AppointmentRoomStatus): LiveMessage {
  return { type: "status", data: status };
}

export function changeMessage(change: RoomChange, cast?: RoomCast): LiveMessage {
  const at = isoFromMs(change.at);
  switch (change.type) {
    case "call.started":
    case "call.ended":
      return { type: change.type, at };
    case "participant.joined":
      return { type: change.type, at, participant: { sid: change.key, identity: change.identity, ...castMemberOf(cast, change.identity) } };
    case "participant.left":
      return {
        type: change.type,
        at,
        participant: {
          sid: change.key,
          identity: change.identity,
          ...castMemberOf(cast, change.identity),
          duration: Math.floor(change.connectedMs / 1000),
        },
      };
  }
}

export function callCancelledMessage(at: number): LiveMessage {
  return { type: "call.cancelled", at: isoFromMs(at) };
}

const isoFromMs = (ms: number) => isoFromSeconds(Math.floor(ms / 1000));
