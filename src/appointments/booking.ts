import { type Caller, refuseInactive } from "../base/caller";
import type { Database } from "../base/database";
import { badRequest, permissionDenied } from "../base/errors";
import { toHex } from "../crypto/encoding";
import { findUsers, type UserRow } from "../users/queries";
import { type AppointmentRow, findClash, insertAppointment, type NewAppointment, type Slot, type WrittenWithBooking } from "./queries";

export type BookingRequest = Omit<NewAppointment, "gapSeconds" | "now">;

export type BookingRules = {
  /** Minimum free time around the slot in either party's calendar (0: ranges may touch). */
  gapSeconds?: number;
  /** The error when either party's calendar is taken; defaults to naming whose. */
  clashMessage?: string;
  /** The request's names for the start and the parties, so errors name the fields the caller sent. */
  fields?: BookingFields;
  /**
   * Who books: refused when their own account is inactive. Only an admin hears why a party cannot
   * be booked (unknown, another role, inactive); anyone else hears "not found", or bookings would
   * tell them who exists as what.
   */
  bookedBy: Pick<Caller, "id" | "role">;
  /** What must be stored with the appointment or not at all (its notices), in the insert's transaction. */
  together?: WrittenWithBooking;
};

export type BookingFields = { start: string; psychologist: string; patient: string };

const appointmentFields: BookingFields = { start: "appointment_date", psychologist: "psychologist_id", patient: "patient_id" };

/**
 * Books a session after every rule that keeps a calendar sane: a future start, two different
 * people, both existing and active in the right roles, and no clash for either of them.
 * Appointments and video calls are the same rows, so both APIs book through here.
 */
export async function bookAppointment(
  db: Database,
  request: BookingRequest,
  now: number,
  rules: BookingRules,
): Promise<{ row: AppointmentRow; together: D1Result[] }> {
  const fields = rules.fields ?? appointmentFields;
  if (request.startsAt <= now)
    throw badRequest(`${sentenceCase(fields.start)} must be in the future`, { [fields.start]: ["Must be in the future"] });
  if (request.psychologistId === request.patientId) {
    throw badRequest("Patient and psychologist must be different users", { [fields.patient]: [`Must differ from ${fields.psychologist}`] });
  }

  const users = await findUsers(db, [request.psychologistId, request.patientId, rules.bookedBy.id]);
  refuseInactive(users.get(rules.bookedBy.id)?.is_active);
  const reveal = rules.bookedBy.role === "admin";
  checkParty(users.get(request.psychologistId), request.psychologistId, "psychologist", fields.psychologist, reveal);
  checkParty(users.get(request.patientId), request.patientId, "patient", fields.patient, reveal);

  const slot: Slot = { ...request, gapSeconds: rules.gapSeconds ?? 0 };
  const clashError = async () => {
    const details = { [fields.start]: ["Clashes with another appointment"] };
    if (rules.clashMessage) return badRequest(rules.clashMessage, details);
    const clash = await findClash(db, slot);
    const whose = clash?.patient_id === request.patientId ? "patient" : "psychologist";
    return badRequest(`The ${whose} already has an appointment at this time`, details);
  };
  if (await findClash(db, slot)) throw await clashError();
  // The insert re-checks the clash in the same statement, so a concurrent booking still loses.
  const booked = await insertAppointment(db, { ...request, gapSeconds: slot.gapSeconds, now }, rules.together);
  if (!booked) throw await clashError();
  return booked;
}

function checkParty(user: UserRow | undefined, id: number, role: "psychologist" | "patient", field: string, reveal: boolean): void {
  const label = role === "psychologist" ? "Psychologist" : "Patient";
  if (!reveal && (!user || user.role !== role || user.is_active !== 1)) {
    throw badRequest(`${label} not found`, { [field]: [`No active ${role} with this id`] });
  }
  if (!user) throw badRequest(`${label} not found`, { [field]: [`No user with id ${id}`] });
  if (user.role !== role) throw badRequest(`User ${id} is not a ${role}`, { [field]: [`Must be a ${role}`] });
  if (user.is_active !== 1) throw badRequest(`${label} account is inactive`, { [field]: ["Account is inactive"] });
}

/** `apt-<id>-<unix seconds>-<8 hex>`: unique, and not guessable from the id alone. */
export function appointmentRoomNameTemplate(now: number): string {
  return `apt-{id}-${now}-${toHex(crypto.getRandomValues(new Uint8Array(4)))}`;
}

/** `appointment_date` → "Appointment date". */
function sentenceCase(field: string): string {
  const words = field.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Who a booking is between: the caller fills their own side and may not book for others;
 * psychologists book for themselves, patients with a psychologist, admins for anyone.
 */
export function bookingParties(requested: { psychologist_id?: number | undefined; patient_id?: number | undefined }, caller: Caller) {
  const own = (given: number | undefined) => {
    if (given !== undefined && given !== caller.id) throw permissionDenied();
    return caller.id;
  };
  const required = (given: number | undefined, field: string) => {
    if (given === undefined) throw badRequest(`Invalid ${field}: Required`, { [field]: ["Required"] });
    return given;
  };
  switch (caller.role) {
    case "psychologist":
      return { psychologistId: own(requested.psychologist_id), patientId: required(requested.patient_id, "patient_id") };
    case "patient":
      return { psychologistId: required(requested.psychologist_id, "psychologist_id"), patientId: own(requested.patient_id) };
    case "admin":
      return {
        psychologistId: required(requested.psychologist_id, "psychologist_id"),
        patientId: required(requested.patient_id, "patient_id"),
      };
  }
}
