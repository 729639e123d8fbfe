import { errorKind } from "../base/errors";
import type { VideoProvider } from "../base/video-provider";
import type { Revocation } from "./revocations";

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
 * Takes access to the room back after a stored change (see `RoomObject.revokeAccess`), and
 * resolves once it is gone. It never throws: the change itself is stored, and a room object that
 * could not be reached is logged for the operators (pages still see the change on their next read).
 *
 * @example
 * if (updated.status === "cancelled" && updated.video_room_id) await revokeRoomAccess(env, ref, { cause: "cancelled", at, until });
 */
export async function revokeRoomAccess(env: Pick<Env, "ROOMS">, ref: RoomRef, revocation: Revocation): Promise<void> {
  try {
    await roomStub(env, ref.roomName).revokeAccess(ref, revocation);
  } catch (error) {
    console.error(
      JSON.stringify({
        event: "room_revocation_unreachable",
        cause: revocation.cause,
        appointment_id: ref.appointmentId,
        kind: errorKind(error),
      }),
    );
  }
}
