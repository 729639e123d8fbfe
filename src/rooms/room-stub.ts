import { errorKind } from "../base/errors";
import type { VideoProvider } from "../base/video-provider";

/** Which room a room object is, and whose: read from D1 on the room's first event, then kept in its storage. */
export interface RoomRef {
  roomName: string;
  appointmentId: number;
  provider: VideoProvider;
}

/** What became of a webhook's event; the webhook answers 200 in every case. */
export type Delivery = "applied" | "duplicate" | "ignored";

/** The room's Durable Object: one per room name, the only writer of that room's live state. */
export function roomStub(env: Pick<Env, "ROOMS">, roomName: string) {
  return env.ROOMS.getByName(roomName);
}

/**
 * Tells the room a stored change of its appointment: a cancellation reaches every dashboard
 * watching (`call.cancelled`), and either a cancellation or a new time ends the built-in
 * provider's signalling with the reason. It stores nothing itself, and never throws: a live push
 * that fails must not fail the change (pages still see it on their next read).
 *
 * @example
 * if (updated.status === "cancelled" && updated.video_room_id) await announceToRoom(c.env, updated.video_room_id, { kind: "cancelled", at });
 */
export async function announceToRoom(
  env: Pick<Env, "ROOMS">,
  roomName: string,
  change: { kind: "cancelled"; at: number } | { kind: "moved" },
): Promise<void> {
  try {
    const room = roomStub(env, roomName);
    await (change.kind === "cancelled" ? room.announceCallCancelled(change.at) : room.announceSessionMoved());
  } catch (error) {
    console.error(JSON.stringify({ event: "room_announcement_failed", change: change.kind, room_name: roomName, kind: errorKind(error) }));
  }
}

/** The request that opens a live-events WebSocket on the room object; the room travels in the URL. */
export function roomEventsRequest(room: Omit<RoomRef, "provider">): Request {
  const url = new URL("https://room.internal/events");
  url.searchParams.set("room_name", room.roomName);
  url.searchParams.set("appointment_id", String(room.appointmentId));
  return new Request(url, { headers: { upgrade: "websocket" } });
}

export function roomFromEventsUrl(requestUrl: string): Omit<RoomRef, "provider"> | undefined {
  const params = new URL(requestUrl).searchParams;
  const roomName = params.get("room_name");
  const appointmentId = Number(params.get("appointment_id"));
  return roomName && Number.isSafeInteger(appointmentId) && appointmentId > 0 ? { roomName, appointmentId } : undefined;
}
