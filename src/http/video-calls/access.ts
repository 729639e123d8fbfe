import { appointmentForCaller } from "../../appointments/access";
import type { AppointmentWithParties } from "../../appointments/queries";
import type { Caller } from "../../base/caller";
import type { Database } from "../../base/database";
import { requireProvider } from "../../video/room-entry";

const isCall = (row: AppointmentWithParties) => row.session_type === "telehealth";

/**
 * The call, if the caller may act on it (`appointmentForCaller`, in the calls API's words). A
 * call is a telehealth appointment on Agora; Twilio ones are pointed at their own API. The status
 * route has always said "Appointment not found" rather than "Video call not found".
 */
export async function videoCallForCaller(
  db: Database,
  id: number,
  caller: Caller,
  { admins, notFound = "Video call not found" }: { admins: boolean; notFound?: string },
): Promise<AppointmentWithParties & { video_provider: "agora" }> {
  const wording = { notFound, denied: "You are not authorized to access this call" };
  const call = await appointmentForCaller(db, id, caller, { admins, isSession: isCall, wording });
  requireProvider(call, "agora");
  return call;
}
