import { inject } from "vitest";
import { joinKeyFor, signJoinKey } from "../../../src/video/join-links";
import { testSettings } from "../../support/settings";
import type { TestAppointment } from "./db";
import { type TestUser, tokenFor } from "./jwt";

/** A party's personal join link, as the reminders send it: `/video-session/<room>#k=<key>`. */
export async function personalLink(appointment: TestAppointment, user: TestUser, durationMinutes = 50): Promise<string> {
  const key = await signJoinKey(
    joinKeyFor({ appointmentId: appointment.id, startsAt: appointment.startsAt, durationMinutes }, user.id),
    testSettings.SESSION_LINK_SECRET,
  );
  return `/video-session/${encodeURIComponent(appointment.roomName)}#k=${key}`;
}

/** Calls the Worker's API from Node as `user` (their platform JWT). */
export async function api(user: TestUser, method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(new URL(path, inject("workerUrl")), {
    method,
    headers: { authorization: `Bearer ${tokenFor(user)}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Cancels the appointment through the API, as the practice would (PATCH status=cancelled). */
export async function cancelAppointment(by: TestUser, appointment: TestAppointment): Promise<void> {
  const response = await api(by, "PATCH", `/api/appointments/${appointment.id}/`, { status: "cancelled" });
  if (!response.ok) throw new Error(`Cancel refused: ${response.status} ${await response.text()}`);
}

/** Twilio's identity for a party (src/providers/twilio: `<user id>-<email>`). */
export const twilioIdentity = (user: TestUser) => `${user.id}-${user.email}`;
