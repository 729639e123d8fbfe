import { noticeAppointmentChange, noticeAppointmentUpdate } from "../reminders/notices";
import { announceCallCancelled } from "../rooms/room-stub";
import type { AppointmentRow } from "./queries";

/** Where the consequences of a stored change go: the bindings, and the request's waitUntil. */
export type ChangeContext = { env: Env; ctx: Pick<ExecutionContext, "waitUntil"> };

/**
 * What follows a booking, from either API (appointments or video calls): both parties get the
 * confirmation through the reminder ledger, and the session's reminders are planned.
 */
export function appointmentBooked({ env, ctx }: ChangeContext, appointment: AppointmentRow, now: number): Promise<void> {
  return noticeAppointmentChange(env, ctx, { kind: "booked", appointment }, now);
}

/**
 * What follows any stored change, from either API: a cancellation reaches the room's live
 * viewers at once (`call.cancelled`), and both parties hear of a cancellation or a new time.
 * Neither step throws, since the change itself is already stored.
 */
export async function appointmentChanged({ env, ctx }: ChangeContext, before: AppointmentRow, after: AppointmentRow, now: number): Promise<void> {
  if (after.status === "cancelled" && before.status !== "cancelled" && after.video_room_id) {
    await announceCallCancelled(env, after.video_room_id, now * 1000);
  }
  await noticeAppointmentUpdate(env, ctx, before, after, now);
}
