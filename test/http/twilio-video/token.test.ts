import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeJwt, verifiesHs256 } from "../../providers/twilio/decode-jwt";
import { call, callJson, withSettings } from "../../support/api";
import { createAppointment, createUser, type UserFixture } from "../../support/fixtures";
import { isoOf } from "../../support/time";

let psychologist: UserFixture, patient: UserFixture, otherPsychologist: UserFixture, otherPatient: UserFixture;
const admin = { id: 1, email: "admin@example.com", role: "admin" as const };
const tokenPath = (id: number) => `/api/appointments/video-token/${id}/`;

beforeAll(async () => {
  [psychologist, patient, otherPsychologist, otherPatient] = await Promise.all([
    createUser("psychologist"),
    createUser("patient"),
    createUser("psychologist"),
    createUser("patient"),
  ]);
});

/** A Twilio appointment of the two parties, each in its own slot so fixtures never interfere. */
const appointment = (fields: Partial<Parameters<typeof createAppointment>[0]> = {}) =>
  createAppointment({ psychologist, patient, startsInMinutes: 5, ...fields });

describe("GET /api/appointments/video-token/<id>/", () => {
  it("gives each party their own signed token for the same room", async () => {
    const row = await appointment();
    const bodies = [];
    for (const party of [psychologist, patient]) {
      const { status, body } = await callJson(tokenPath(row.id), { as: party });
      expect(status).toBe(200);
      expect(Object.keys(body).sort()).toEqual([
        "access_token",
        "appointment_duration_minutes",
        "appointment_id",
        "expires_at",
        "expires_in",
        "room_name",
        "token_valid_until",
        "user_identity",
      ]);
      expect(body).toMatchObject({
        room_name: row.video_room_id,
        user_identity: `${party.id}-${party.email}`,
        appointment_id: row.id,
        appointment_duration_minutes: 50,
        expires_in: 80 * 60,
        token_valid_until: "80 minutes (1 hours)",
      });

      const { header, payload } = decodeJwt(body.access_token);
      expect(header).toEqual({ alg: "HS256", typ: "JWT", cty: "twilio-fpa;v=1" });
      expect(payload.grants).toEqual({ identity: `${party.id}-${party.email}`, video: { room: row.video_room_id } });
      expect(payload).toMatchObject({ iss: env.TWILIO_API_KEY_SID, sub: env.TWILIO_ACCOUNT_SID });
      expect(payload.exp).toBe((payload.iat as number) + 80 * 60);
      expect(body.expires_at).toBe(isoOf(payload.exp as number));
      expect(Math.abs((payload.iat as number) - Date.now() / 1000)).toBeLessThan(60);
      expect(await verifiesHs256(body.access_token, env.TWILIO_API_KEY_SECRET)).toBe(true);
      expect(await verifiesHs256(body.access_token, "not-the-api-key-secret")).toBe(false);
      bodies.push(body);
    }
    expect(bodies[0].access_token).not.toBe(bodies[1].access_token);
  });

  it.each([
    [15, 60, "60 minutes (1 hours)"],
    [90, 120, "120 minutes (2 hours)"],
    [240, 240, "240 minutes (4 hours)"],
  ])("gives a %i-minute session a %i-minute token", async (durationMinutes, ttlMinutes, text) => {
    const row = await appointment({ durationMinutes });
    const { body } = await callJson(tokenPath(row.id), { as: patient });
    expect(body).toMatchObject({ expires_in: ttlMinutes * 60, token_valid_until: text, appointment_duration_minutes: durationMinutes });
    const { payload } = decodeJwt(body.access_token);
    expect((payload.exp as number) - (payload.iat as number)).toBe(ttlMinutes * 60);
  });

  it("opens 15 minutes before the start and stays open until 30 minutes after the end", async () => {
    for (const startsInMinutes of [14.5, -79.5]) {
      expect((await call(tokenPath((await appointment({ startsInMinutes })).id), { as: patient })).status).toBe(200);
    }
    const early = await appointment({ startsInMinutes: 16 });
    expect(await callJson(tokenPath(early.id), { as: patient })).toEqual({
      status: 400,
      body: {
        error: `This appointment has not started yet: its video room opens at ${isoOf(early.starts_at - 900)}, 15 minutes before the start`,
      },
    });
    const over = await appointment({ startsInMinutes: -81 });
    expect(await callJson(tokenPath(over.id), { as: psychologist })).toEqual({
      status: 400,
      body: { error: `This appointment is over: its video room closed at ${isoOf(over.ends_at + 1800)}, 30 minutes after the booked end` },
    });
  });

  it("gives no token for a cancelled or completed appointment", async () => {
    const cancelled = await appointment({ status: "cancelled" });
    expect(await callJson(tokenPath(cancelled.id), { as: patient })).toEqual({
      status: 400,
      body: { error: "This appointment has been cancelled" },
    });
    const completed = await appointment({ status: "completed", startsInMinutes: -20 });
    expect(await callJson(tokenPath(completed.id), { as: psychologist })).toEqual({
      status: 400,
      body: { error: "This appointment has already been completed" },
    });
  });

  it("lets nobody but the two parties in: not admins, colleagues or other patients", async () => {
    const row = await appointment();
    expect(await callJson(tokenPath(row.id), { as: admin })).toEqual({ status: 403, body: { error: "Permission denied" } });
    for (const caller of [otherPsychologist, otherPatient]) {
      expect(await callJson(tokenPath(row.id), { as: caller })).toEqual({ status: 404, body: { error: "Appointment not found" } });
    }
    expect((await call(tokenPath(row.id))).status).toBe(401);
  });

  it("answers 404 for an unknown appointment and for one without a video room", async () => {
    expect(await callJson(tokenPath(999_999), { as: patient })).toEqual({ status: 404, body: { error: "Appointment not found" } });
    for (const fields of [{ videoRoomId: null }, { sessionType: "in_person" as const }]) {
      const row = await appointment(fields);
      expect(await callJson(tokenPath(row.id), { as: patient })).toEqual({
        status: 404,
        body: { error: "No video room found for this appointment" },
      });
    }
  });

  it("points Agora appointments at the video-calls API", async () => {
    const row = await appointment({ videoProvider: "agora" });
    expect(await callJson(tokenPath(row.id), { as: patient })).toEqual({
      status: 400,
      body: { error: `This appointment uses Agora video: use the video-calls API, /api/v1/video/video-calls/${row.id}/join/` },
    });
  });

  it("answers 500 naming the missing setting, never a secret, when Twilio is not configured", async () => {
    const row = await appointment();
    const missingSecret = await withSettings({ TWILIO_API_KEY_SECRET: "" }, () => callJson(tokenPath(row.id), { as: patient }));
    expect(missingSecret).toEqual({ status: 500, body: { error: "Failed to generate access token: TWILIO_API_KEY_SECRET is not set" } });
    const missingTwo = await withSettings({ TWILIO_ACCOUNT_SID: " ", TWILIO_API_KEY_SID: "" }, () =>
      callJson(tokenPath(row.id), { as: patient }),
    );
    expect(missingTwo).toEqual({
      status: 500,
      body: { error: "Failed to generate access token: TWILIO_ACCOUNT_SID, TWILIO_API_KEY_SID are not set" },
    });
    expect(JSON.stringify(missingTwo.body)).not.toContain(env.TWILIO_API_KEY_SECRET);
    // Put back: the next request gets a token again.
    expect((await call(tokenPath(row.id), { as: patient })).status).toBe(200);
  });

  it("rejects an id that is not a positive integer", async () => {
    const { status, body } = await callJson("/api/appointments/video-token/abc/", { as: patient });
    expect(status).toBe(400);
    expect(body.details).toHaveProperty("id");
  });
});
