import { env } from "cloudflare:test";
import type { AppointmentRow } from "../../../src/appointments/queries";
import { joinKeyFor, signJoinKey } from "../../../src/video/join-links";

/** The personal join key a reminder gives `userId` for the session as it stands in `row`. */
export function joinKeyOf(row: AppointmentRow, userId: number, secret = env.SESSION_LINK_SECRET): Promise<string> {
  return signJoinKey(joinKeyFor({ appointmentId: row.id, startsAt: row.starts_at, durationMinutes: row.duration_minutes }, userId), secret);
}
