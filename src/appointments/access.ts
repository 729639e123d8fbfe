import type { Caller } from "../base/caller";
import { refuseInactive } from "../base/caller";
import type { Database } from "../base/database";
import { ApiError, notFound, permissionDenied } from "../base/errors";
import { type AppointmentWithParties, findAppointmentForCaller } from "./queries";

/**
 * Who may reach a session: its two parties, and admins where `admins` says so (they may read
 * and manage, but never enter a session's room). `isSession` narrows which rows count (the
 * video-calls API knows only telehealth sessions); `wording` is the API's own words for
 * "not found" and "not yours", which its clients already match on.
 */
export type SessionAccess = {
  admins: boolean;
  isSession?: (row: AppointmentWithParties) => boolean;
  wording?: { notFound: string; denied: string };
};

const appointmentWording = { notFound: "Appointment not found", denied: "Permission denied" };

type Parties = Pick<AppointmentWithParties, "psychologist_id" | "patient_id">;

export function isParty(appointment: Parties, userId: number): boolean {
  return appointment.psychologist_id === userId || appointment.patient_id === userId;
}

/** The one rule for "may this caller see or enter this session", for rows already read. */
export function mayAccess(appointment: Parties, caller: Pick<Caller, "id" | "role">, { admins }: Pick<SessionAccess, "admins">): boolean {
  return isParty(appointment, caller.id) || (admins && caller.role === "admin");
}

/**
 * The appointment, if the caller may reach it (`mayAccess`): otherwise the same 404 whether the
 * row does not exist (or is not a session, per `isSession`) or is someone else's, so ids cannot
 * be probed for who has appointments. Only an admin, who may know every appointment, hears a 403
 * where admins are not let in (a session's room). Every route that reads one appointment asks
 * this function. A deactivated caller is refused (403) from the same statement.
 */
export async function appointmentForCaller(
  db: Database,
  id: number,
  caller: Caller,
  access: SessionAccess,
): Promise<AppointmentWithParties> {
  const wording = access.wording ?? appointmentWording;
  const appointment = await findAppointmentForCaller(db, { id }, caller.id);
  if (!appointment || (access.isSession && !access.isSession(appointment))) throw notFound(wording.notFound);
  if (!mayAccess(appointment, caller, access)) {
    throw caller.role === "admin" ? new ApiError(403, wording.denied) : notFound(wording.notFound);
  }
  refuseInactive(appointment.caller_active);
  return appointment;
}

/**
 * The session behind a room name, for one of its parties (`mayAccess`, admins not included).
 * A stranger gets the same 404 as an unknown room, so room names cannot be probed; an admin, who
 * may know every session but never enters one, a 403.
 */
export async function sessionForParty(db: Database, roomName: string, caller: Caller): Promise<AppointmentWithParties> {
  const session = await findAppointmentForCaller(db, { roomName }, caller.id);
  if (!session) throw notFound("Video session not found");
  if (!mayAccess(session, caller, { admins: false }))
    throw caller.role === "admin" ? permissionDenied() : notFound("Video session not found");
  refuseInactive(session.caller_active);
  return session;
}
