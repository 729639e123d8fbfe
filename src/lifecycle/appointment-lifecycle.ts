import type { AppointmentRow } from "../appointments/queries";
import type { Config } from "../base/config";
import { noticeAppointmentChange, noticeAppointmentUpdate } from "../reminders/notices";
import { announceToRoom } from "../rooms/room-stub";

/**
 * What follows a stored booking or change, composed here, above the capabilities it reaches
 * (reminders and rooms), so that appointments stays a leaf of the domain.
 */
export type ChangeContext = {
  env: Pick<Env, "DB" | "REMINDERS_QUEUE" | "ROOMS">;
  config: Config;
  ctx: Pick<ExecutionContext, "waitUntil">;
};

/**
 * What follows a booking, from either API (appointments or video calls): both parties get the
 * confirmation through the reminder ledger, and the session's reminders are planned.
 */
export function appointmentBooked({ env, config, ctx }: ChangeContext, appointment: AppointmentRow, now: number): Promise<void> {
  return noticeAppointmentChange({ env, offsets: config.reminderOffsets, ctx }, { kind: "booked", appointment }, now);
}

/**
 * What follows any stored change, from either API: a cancellation reaches the room's live
 * viewers at once (`call.cancelled`), a cancellation or a new time ends the room's signalling,
 * and both parties hear of a cancellation or a new time. No step throws, since the change itself
 * is already stored.
 */
export async function appointmentChanged(
  { env, config, ctx }: ChangeContext,
  before: AppointmentRow,
  after: AppointmentRow,
  now: number,
): Promise<void> {
  if (after.video_room_id) {
    if (after.status === "cancelled" && before.status !== "cancelled") {
      await announceToRoom(env, after.video_room_id, { kind: "cancelled", at: now * 1000 });
    } else if (after.starts_at !== before.starts_at && after.status !== "cancelled") {
      await announceToRoom(env, after.video_room_id, { kind: "moved" });
    }
  }
  await noticeAppointmentUpdate({ env, offsets: config.reminderOffsets, ctx }, before, after, now);
}
