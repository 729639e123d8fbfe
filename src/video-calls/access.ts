import { isParty } from "../appointments/access";
import { findAppointment, type AppointmentWithParties } from "../appointments/queries";
import type { Caller } from "../auth/claims";
import { ApiError, notFound } from "../errors";
import { requireProvider } from "../video/room-entry";

/**
 * The call, if the caller may act on it: its doctor and patient, and admins where `admins` says
 * so. A call is a telehealth appointment on Agora; Twilio ones are pointed at their own API.
 */
export async function videoCallForCaller(db: D1Database, id: number, caller: Caller, { admins }: { admins: boolean }): Promise<AppointmentWithParties> {
  const call = await findAppointment(db, id);
  if (!call || call.session_type !== "telehealth") throw notFound("Video call not found");
  if (!isParty(call, caller) && !(admins && caller.role === "admin")) throw new ApiError(403, "You are not authorized to access this call");
  requireProvider(call, "agora");
  return call;
}
