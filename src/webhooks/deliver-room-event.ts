import { findAppointmentByRoom } from "../appointments/queries";
import type { RoomEvent } from "../rooms/room-events";
import { roomStub } from "../rooms/room-stub";

/** What became of a webhook's event; the webhook answers 200 in every case. */
export type Delivery = "applied" | "duplicate" | "ignored";

/**
 * Hands a verified provider event to its room's Durable Object and waits until it is stored,
 * so an acknowledged event is never lost; the object's work is one storage write, quick enough
 * to await before answering. Events for rooms no appointment of that provider owns are
 * acknowledged and dropped: the provider must not retry them.
 */
export async function deliverRoomEvent(env: Env, event: RoomEvent): Promise<Delivery> {
  const appointment = await findAppointmentByRoom(env.DB, event.roomName);
  if (!appointment || appointment.video_provider !== event.provider) {
    // Ids only: room sids and names are ours or the provider's, never a person's.
    console.log(JSON.stringify({ event: "room_event_ignored", reason: "unknown_room", provider: event.provider, kind: event.kind, room_sid: event.roomSid }));
    return "ignored";
  }
  const room = { roomName: event.roomName, appointmentId: appointment.id, provider: event.provider };
  const { duplicate } = await roomStub(env, event.roomName).applyEvent(room, event);
  return duplicate ? "duplicate" : "applied";
}
