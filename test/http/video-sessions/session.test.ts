import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeJwt, verifiesHs256 } from "../../providers/twilio/decode-jwt";
import { callJson, withSettings } from "../../support/api";
import { createAppointment, createUser, type UserFixture } from "../../support/fixtures";
import { isoOf } from "../../support/time";
import { readAgoraToken } from "../video-calls/read-agora-token";

let psychologist: UserFixture, patient: UserFixture, stranger: UserFixture;
const admin = { id: 1, email: "admin@example.com", role: "admin" as const };
const sessionPath = (room: string | null) => `/api/video-sessions/${room}/`;
const refreshPath = (room: string | null) => `/api/video-sessions/${room}/refresh/`;
const notFound = { error: "Video session not found" };

beforeAll(async () => {
  psychologist = await createUser("psychologist", { name: "Alan Smith" });
  patient = await createUser("patient", { name: "Jane Doe" });
  stranger = await createUser("patient");
});

const appointment = (fields: Partial<Parameters<typeof createAppointment>[0]> = {}) =>
  createAppointment({ psychologist, patient, startsInMinutes: 5, ...fields });

/** Asserts `iso` is within a few seconds of `seconds` from now (the request's own clock). */
function expectAbout(iso: string, secondsFromNow: number) {
  expect(Math.abs(Date.parse(iso) / 1000 - (Date.now() / 1000 + secondsFromNow))).toBeLessThan(10);
}

describe("GET /api/video-sessions/<room_name>/", () => {
  it("shows a party the session, who is on the other side, and a Twilio connection while the room is open", async () => {
    const row = await appointment();
    const { status, body } = await callJson(sessionPath(row.video_room_id), { as: patient });
    expect(status).toBe(200);
    const opensAt = row.starts_at - 15 * 60;
    const closesAt = row.starts_at + 80 * 60;
    expect(body).toEqual({
      appointment_id: row.id,
      room_name: row.video_room_id,
      provider: "twilio",
      status: "scheduled",
      starts_at: isoOf(row.starts_at),
      ends_at: isoOf(row.starts_at + 50 * 60),
      duration_minutes: 50,
      you: { id: patient.id, name: "Jane Doe", role: "patient" },
      counterpart: { id: psychologist.id, name: "Alan Smith", role: "psychologist" },
      join_window: {
        opens_at: isoOf(opensAt),
        closes_at: isoOf(closesAt),
        can_join_now: true,
        server_time: expect.any(String),
        closed_reason: null,
      },
      connection: {
        provider: "twilio",
        token: expect.any(String),
        identity: `${patient.id}-${patient.email}`,
        room_name: row.video_room_id,
        expires_at: expect.any(String),
      },
      connection_error: null,
    });
    expectAbout(body.join_window.server_time, 0);
    const { payload } = decodeJwt(body.connection.token);
    expect(payload.grants).toEqual({ identity: `${patient.id}-${patient.email}`, video: { room: row.video_room_id } });
    expect(body.connection.expires_at).toBe(isoOf(payload.exp as number));
    expectAbout(body.connection.expires_at, 80 * 60);
    expect(await verifiesHs256(body.connection.token, env.TWILIO_API_KEY_SECRET)).toBe(true);
  });

  it("shows the psychologist the same session from their side", async () => {
    const row = await appointment();
    const { body } = await callJson(sessionPath(row.video_room_id), { as: psychologist });
    expect(body.you).toEqual({ id: psychologist.id, name: "Alan Smith", role: "psychologist" });
    expect(body.counterpart).toEqual({ id: patient.id, name: "Jane Doe", role: "patient" });
    expect(body.connection.identity).toBe(`${psychologist.id}-${psychologist.email}`);
  });

  it("gives an Agora session's party what Agora's SDK needs", async () => {
    const row = await appointment({ videoProvider: "agora" });
    const { status, body } = await callJson(sessionPath(row.video_room_id), { as: patient });
    expect(status).toBe(200);
    expect(body.provider).toBe("agora");
    expect(body.connection).toEqual({
      provider: "agora",
      app_id: env.AGORA_APP_ID,
      channel: row.video_room_id,
      token: expect.stringMatching(/^007/),
      uid: patient.id,
      expires_at: expect.any(String),
    });
    expectAbout(body.connection.expires_at, 80 * 60);
    const token = await readAgoraToken(body.connection.token, env.AGORA_APP_CERTIFICATE);
    expect(token).toMatchObject({ appId: env.AGORA_APP_ID });
  });

  it.each([
    [
      "not open yet",
      { startsInMinutes: 60 },
      (opens: string) => `This appointment has not started yet: its video room opens at ${opens}, 15 minutes before the start`,
    ],
    ["cancelled", { status: "cancelled" as const }, () => "This appointment has been cancelled"],
    ["completed", { status: "completed" as const }, () => "This appointment has already been completed"],
    [
      "over",
      { startsInMinutes: -81 },
      (_opens: string, closes: string) => `This appointment is over: its video room closed at ${closes}, 30 minutes after the booked end`,
    ],
  ])("shows a session whose room is shut (%s) with the reason and no connection", async (_name, fields, reason) => {
    const row = await appointment(fields);
    const { status, body } = await callJson(sessionPath(row.video_room_id), { as: patient });
    expect(status).toBe(200);
    const opens = isoOf(row.starts_at - 15 * 60);
    const closes = isoOf(row.starts_at + 80 * 60);
    expect(body.join_window).toEqual({
      opens_at: opens,
      closes_at: closes,
      can_join_now: false,
      server_time: expect.any(String),
      closed_reason: reason(opens, closes),
    });
    expect(body.connection).toBeNull();
    expect(body.connection_error).toBeNull();
  });

  it("still shows the session, saying why, when the provider cannot issue credentials", async () => {
    const row = await appointment();
    const { status, body } = await withSettings({ TWILIO_API_KEY_SECRET: "" }, () =>
      callJson(sessionPath(row.video_room_id), { as: patient }),
    );
    expect(status).toBe(200);
    expect(body.join_window.can_join_now).toBe(true);
    expect(body.connection).toBeNull();
    expect(body.connection_error).toBe("Failed to generate access token: TWILIO_API_KEY_SECRET is not set");
  });

  it("gives strangers the same 404 as a room that does not exist, and admins (kept out of rooms) a 403", async () => {
    const row = await appointment();
    expect(await callJson(sessionPath(row.video_room_id), { as: stranger })).toEqual({ status: 404, body: notFound });
    expect(await callJson(sessionPath(row.video_room_id), { as: admin })).toEqual({ status: 403, body: { error: "Permission denied" } });
    expect(await callJson(sessionPath("apt-no-such-room"), { as: patient })).toEqual({ status: 404, body: notFound });
  });

  it("needs a caller", async () => {
    const row = await appointment();
    expect(await callJson(sessionPath(row.video_room_id))).toEqual({
      status: 401,
      body: { error: "Authentication credentials were not provided" },
    });
  });
});

describe("POST /api/video-sessions/<room_name>/refresh/", () => {
  it("gives a party a fresh connection that lasts until the room closes", async () => {
    const row = await appointment();
    const { status, body } = await callJson(refreshPath(row.video_room_id), { method: "POST", as: psychologist });
    expect(status).toBe(200);
    expect(body).toEqual({
      connection: {
        provider: "twilio",
        token: expect.any(String),
        identity: `${psychologist.id}-${psychologist.email}`,
        room_name: row.video_room_id,
        expires_at: isoOf(row.starts_at + 80 * 60),
      },
    });
    expect(decodeJwt(body.connection.token).payload.exp).toBe(row.starts_at + 80 * 60);
  });

  it("refuses outside the join window, saying why", async () => {
    const row = await appointment({ startsInMinutes: 60 });
    expect(await callJson(refreshPath(row.video_room_id), { method: "POST", as: patient })).toEqual({
      status: 400,
      body: {
        error: `This appointment has not started yet: its video room opens at ${isoOf(row.starts_at - 15 * 60)}, 15 minutes before the start`,
      },
    });
  });

  it("names the missing setting when the provider is not configured", async () => {
    const row = await appointment({ videoProvider: "agora" });
    const response = await withSettings({ AGORA_APP_CERTIFICATE: "" }, () =>
      callJson(refreshPath(row.video_room_id), { method: "POST", as: patient }),
    );
    expect(response).toEqual({ status: 500, body: { error: "Failed to generate access token: AGORA_APP_CERTIFICATE is not set" } });
  });

  it("gives strangers the same 404 as a room that does not exist", async () => {
    const row = await appointment();
    expect(await callJson(refreshPath(row.video_room_id), { method: "POST", as: stranger })).toEqual({ status: 404, body: notFound });
    expect(await callJson(refreshPath("apt-no-such-room"), { method: "POST", as: stranger })).toEqual({ status: 404, body: notFound });
  });
});
