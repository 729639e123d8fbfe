import type { Caller } from "../auth/claims";
import { notFound, permissionDenied } from "../errors";
import { findAppointment, type AppointmentWithParties } from "./queries";

export function isParty(appointment: Pick<AppointmentWithParties, "psychologist_id" | "patient_id">, caller: Caller): boolean {
  return appointment.psychologist_id === caller.id || appointment.patient_id === caller.id;
}

/**
 * The appointment, if the caller may see it: its two parties, and admins where `admins` says
 * so (they may read and manage, but never enter a session's room).
 */
export async function appointmentForCaller(
  db: D1Database,
  id: number,
  caller: Caller,
  { admins }: { admins: boolean },
): Promise<AppointmentWithParties> {
  const appointment = await findAppointment(db, id);
  if (!appointment) throw notFound("Appointment not found");
  if (!isParty(appointment, caller) && !(admins && caller.role === "admin")) throw permissionDenied();
  return appointment;
}
