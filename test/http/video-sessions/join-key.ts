import { env } from "cloudflare:test";
import { expect } from "vitest";
import type { AppointmentRow } from "../../../src/appointments/queries";
import { joinKeyFor, signJoinKey } from "../../../src/video/join-links";
import { callJson } from "../../support/api";

/** The personal join key a reminder gives `userId` for the session as it stands in `row`. */
export function joinKeyOf(row: AppointmentRow, userId: number, secret = env.SESSION_LINK_SECRET): Promise<string> {
  return signJoinKey(joinKeyFor({ appointmentId: row.id, startsAt: row.starts_at, durationMinutes: row.duration_minutes }, userId), secret);
}

/** `userId`'s session-scoped token for `row`, as the session page gets it: by redeeming the key in their link. */
export async function sessionTokenOf(row: AppointmentRow, userId: number): Promise<string> {
  const { status, body } = await callJson(`/api/video-sessions/${row.video_room_id}/redeem/`, {
    method: "POST",
    body: { key: await joinKeyOf(row, userId) },
  });
  expect(status).toBe(200);
  return body.token;
}
