import { isoOrNull } from "../time/iso";
import { compareText, type ParticipantStatus } from "./participant-timeline";
import { type CastMember, castMemberOf, type RoomCast } from "./room-cast";
import type { RoomState, RoomStatus } from "./room-state";

/** The body of the room status endpoint. Durations are whole seconds; times ISO 8601 UTC. */
export interface RoomStatusView {
  room_sid: string | null;
  status: RoomStatus;
  /** Participants connected now. */
  participants_count: number;
  /** Everyone who has been in the room, in the order they last connected. */
  participants: Array<
    {
      sid: string;
      identity: string;
      status: ParticipantStatus;
      duration: number;
      connected_at: string | null;
    } & Partial<Omit<CastMember, "identity">>
  >;
  /** From creation to the end, or to `now` while the room is live; null before it is known. */
  duration: number | null;
  created_at: string | null;
}

/**
 * The status endpoint's body at `now` (epoch ms). Stored durations cover ended spells only, so
 * the open spell of each connected participant, and a live room's own age, are added here. With
 * a `cast` (opaque identities), each participant it knows is named from our own data.
 */
export function roomStatusView(state: RoomState, now: number, cast?: RoomCast): RoomStatusView {
  const participants = [...state.participants]
    .sort((a, b) => (a.connectedAt ?? Infinity) - (b.connectedAt ?? Infinity) || compareText(a.key, b.key))
    .map((participant) => {
      const openMs = participant.status === "connected" && participant.connectedAt !== undefined ? now - participant.connectedAt : 0;
      return {
        sid: participant.key,
        identity: participant.identity,
        ...castMemberOf(cast, participant.identity),
        status: participant.status,
        duration: wholeSeconds(participant.connectedMs + openMs),
        connected_at: isoOrNull(toSeconds(participant.connectedAt)),
      };
    });
  const roomEnd = state.status === "completed" ? state.endedAt : now;
  return {
    room_sid: state.roomSid ?? null,
    status: state.status,
    participants_count: participants.filter((participant) => participant.status === "connected").length,
    participants,
    duration: state.createdAt === undefined || roomEnd === undefined ? null : wholeSeconds(roomEnd - state.createdAt),
    created_at: isoOrNull(toSeconds(state.createdAt)),
  };
}

const wholeSeconds = (ms: number) => Math.max(0, Math.floor(ms / 1000));

const toSeconds = (ms: number | undefined) => (ms === undefined ? undefined : wholeSeconds(ms));

/** The status endpoints' body: the room's view, named, with the appointment it belongs to. */
export type AppointmentRoomStatus = { room_name: string } & RoomStatusView & { appointment_id: number };

export function appointmentRoomStatus(
  room: { roomName: string; appointmentId: number },
  state: RoomState,
  now: number,
  cast?: RoomCast,
): AppointmentRoomStatus {
  return { room_name: room.roomName, ...roomStatusView(state, now, cast), appointment_id: room.appointmentId };
}
