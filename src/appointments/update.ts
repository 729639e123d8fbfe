import type { Caller } from "../base/caller";
import type { Database } from "../base/database";
import { badRequest, permissionDenied } from "../base/errors";
import { secondsFromIso } from "../time/iso";
import {
  type ApplyChange,
  type AppointmentRow,
  applyAlone,
  findClash,
  rescheduleStatement,
  type Slot,
  transitionStatement,
} from "./queries";
import type { UpdateAppointmentInput } from "./schemas";

const changeable = new Set(["scheduled", "confirmed"]);

/**
 * Applies a PATCH: a reschedule under the booking rules, or a status change (confirm, cancel).
 * A session under way may still be cancelled (its room then ends for both parties), never moved.
 * Each write is conditional on the status read, so two racing cancels cannot both succeed; `apply`
 * runs it, alone or with what must be stored with it.
 */
export async function updateAppointment(
  db: Database,
  current: AppointmentRow,
  input: UpdateAppointmentInput,
  caller: Caller,
  now: number,
  apply: ApplyChange = applyAlone,
): Promise<AppointmentRow> {
  const reschedule = input.appointment_date !== undefined || input.duration_minutes !== undefined;
  if (reschedule && input.status) {
    throw badRequest("Change the time or the status, not both in one request", {
      status: ["Send it without appointment_date or duration_minutes"],
    });
  }
  if (current.status === "cancelled") throw badRequest("Appointment is already cancelled");
  const cancellingLive = current.status === "ongoing" && input.status === "cancelled" && !reschedule;
  if (!changeable.has(current.status) && !cancellingLive)
    throw badRequest(`${current.status === "ongoing" ? "An" : "A"} ${current.status} appointment cannot be changed`);

  if (reschedule) {
    const startsAt = input.appointment_date ? secondsFromIso(input.appointment_date) : current.starts_at;
    if (startsAt <= now) throw badRequest("Appointment date must be in the future", { appointment_date: ["Must be in the future"] });
    const slot: Slot = {
      psychologistId: current.psychologist_id,
      patientId: current.patient_id,
      startsAt,
      durationMinutes: input.duration_minutes ?? current.duration_minutes,
      gapSeconds: 0,
    };
    const moved = await apply(rescheduleStatement(db, current.id, slot, current.status, now), { status: current.status, startsAt });
    if (moved) return moved;
    const clash = await findClash(db, slot, current.id);
    if (clash) {
      // The new start, or a longer duration alone, runs into the other appointment.
      const field = input.appointment_date !== undefined ? "appointment_date" : "duration_minutes";
      const whose = clash.patient_id === current.patient_id ? "patient" : "psychologist";
      throw badRequest(`The ${whose} already has an appointment at this time`, { [field]: ["Clashes with another appointment"] });
    }
    throw badRequest("The appointment changed meanwhile; reload and try again");
  }

  if (input.status === "confirmed") {
    if (caller.role === "patient") throw permissionDenied();
    if (current.status === "confirmed") throw badRequest("Appointment is already confirmed");
  }
  const to = input.status === "confirmed" ? "confirmed" : "cancelled";
  const from = to === "confirmed" ? ["scheduled" as const] : ["scheduled" as const, "confirmed" as const, "ongoing" as const];
  const changed = await apply(transitionStatement(db, current.id, from, to, now), { status: to, startsAt: current.starts_at });
  if (changed) return changed;
  throw badRequest(to === "cancelled" ? "Appointment is already cancelled" : "The appointment changed meanwhile; reload and try again");
}
