import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeJwt, verifiesHs256 } from "../../providers/twilio/decode-jwt";
import { callJson } from "../../support/api";
import { createAppointment, createUser, type UserFixture } from "../../support/fixtures";
import { isoOf } from "../../support/time";

let psychologist: UserFixture, patient: UserFixture, stranger: UserFixture;
const admin = { id: 1, email: "admin@example.com", role: "admin" as const };
const refreshPath = (id: number) => `/api/appointments/video-token-refresh/${id}/`;

beforeAll(async () => {
  [psychologist, patient, stranger] = await Promise.all([createUser("psychologist"), createUser("patient"), createUser("patient")]);
});

const appointment = (fields: Partial<Parameters<typeof createAppointment>[0]> = {}) =>
  createAppointment({ psychologist, patient, startsInMinutes: -40, ...fields });

describe("GET /api/appointments/video-token-refresh/<id>/", () => {
  it("gives the token body plus refreshed_at, valid for reconnects until 30 minutes after the booked end", async () => {
    const row = await appointment();
    const roomClosesAt = row.starts_at + 50 * 60 + 30 * 60;
    for (const party of [psychologist, patient]) {
      const { status, body } = await callJson(refreshPath(row.id), { as: party });
      expect(status).toBe(200);
      const { payload } = decodeJwt(body.access_token);
      const issuedAt = payload.iat as number;
      expect(Object.keys(body).sort()).toEqual([
        "access_token",
        "appointment_duration_minutes",
        "appointment_id",
        "expires_at",
        "expires_in",
        "refreshed_at",
        "room_name",
        "token_valid_until",
        "user_identity",
      ]);
      expect(body).toMatchObject({
        room_name: row.video_room_id,
        user_identity: `${party.id}-${party.email}`,
        appointment_id: row.id,
        appointment_duration_minutes: 50,
        expires_at: isoOf(roomClosesAt),
        expires_in: roomClosesAt - issuedAt,
        refreshed_at: isoOf(issuedAt),
      });
      expect(payload.exp).toBe(roomClosesAt);
      expect(payload.grants).toEqual({ identity: `${party.id}-${party.email}`, video: { room: row.video_room_id } });
      // About 40 minutes left: the text follows the seconds actually left.
      expect(body.token_valid_until).toBe(`${Math.floor(body.expires_in / 60)} minutes (0 hours)`);
      expect(body.expires_in).toBeGreaterThan(39 * 60);
      expect(body.expires_in).toBeLessThanOrEqual(40 * 60);
      expect(await verifiesHs256(body.access_token, env.TWILIO_API_KEY_SECRET)).toBe(true);
    }
  });

  it("covers a long session past the first token's four-hour cap", async () => {
    const row = await appointment({ startsInMinutes: 10, durationMinutes: 240 });
    const { body } = await callJson(refreshPath(row.id), { as: patient });
    expect(body.expires_at).toBe(isoOf(row.starts_at + 270 * 60));
    expect(body.expires_in).toBeGreaterThan(240 * 60);
    const first = await callJson(`/api/appointments/video-token/${row.id}/`, { as: patient });
    expect(first.body.expires_in).toBe(240 * 60);
  });

  it("refuses a party once the appointment is cancelled or completed, or the room has closed", async () => {
    const row = await appointment({ startsInMinutes: 5 });
    expect((await callJson(refreshPath(row.id), { as: patient })).status).toBe(200);
    const cancel = await callJson(`/api/appointments/${row.id}/`, { method: "PATCH", as: psychologist, body: { status: "cancelled" } });
    expect(cancel.status).toBe(200);
    expect(await callJson(refreshPath(row.id), { as: patient })).toEqual({
      status: 400,
      body: { error: "This appointment has been cancelled" },
    });

    const completed = await appointment({ status: "completed" });
    expect(await callJson(refreshPath(completed.id), { as: psychologist })).toEqual({
      status: 400,
      body: { error: "This appointment has already been completed" },
    });
    const over = await appointment({ startsInMinutes: -81 });
    expect((await callJson(refreshPath(over.id), { as: psychologist })).body.error).toMatch(
      /^This appointment is over: its video room closed at /,
    );
  });

  it("follows the token's other rules: parties only, a room, Twilio's provider", async () => {
    const row = await appointment();
    expect(await callJson(refreshPath(row.id), { as: stranger })).toEqual({ status: 404, body: { error: "Appointment not found" } });
    for (const caller of [admin]) {
      expect(await callJson(refreshPath(row.id), { as: caller })).toEqual({ status: 403, body: { error: "Permission denied" } });
    }
    expect(await callJson(refreshPath(999_999), { as: patient })).toEqual({ status: 404, body: { error: "Appointment not found" } });
    const roomless = await appointment({ videoRoomId: null });
    expect(await callJson(refreshPath(roomless.id), { as: patient })).toEqual({
      status: 404,
      body: { error: "No video room found for this appointment" },
    });
    const agora = await appointment({ videoProvider: "agora" });
    expect((await callJson(refreshPath(agora.id), { as: patient })).body.error).toContain("/api/v1/video/video-calls/");
  });
});
