import type { AppointmentRow } from "../appointments/queries";
import type { Config } from "../base/config";
import { noticeAppointmentChange, noticeAppointmentUpdate } from "../reminders/notices";
import { announceCallCancelled } from "../rooms/room-stub";

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
 * viewers at once (`call.cancelled`), and both parties hear of a cancellation or a new time.
 * Neither step throws, since the change itself is already stored.
 */
export async function appointmentChanged(
  { env, config, ctx }: ChangeContext,
  before: AppointmentRow,
  after: AppointmentRow,
  now: number,
): Promise<void> {
  if (after.status === "cancelled" && before.status !== "cancelled" && after.video_room_id) {
    await announceCallCancelled(env, after.video_room_id, now * 1000);
  }
  await noticeAppointmentUpdate({ env, offsets: config.reminderOffsets, ctx }, before, after, now);
}
