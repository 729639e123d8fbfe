import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { callJson, withSettings } from "../../support/api";
import { createAppointment, createUser, isoInMinutes, type UserFixture } from "../../support/fixtures";
import { isoOf } from "../../support/time";
import { readAgoraToken } from "./read-agora-token";

const calls = "/api/v1/video/video-calls/";
const admin = { id: 1, email: "admin@example.com", role: "admin" as const };
const secondsOf = (iso: string) => Date.parse(iso) / 1000;

let doctor: UserFixture, patient: UserFixture, stranger: UserFixture;

beforeAll(async () => {
  [doctor, patient, stranger] = await Promise.all([createUser("psychologist"), createUser("patient"), createUser("psychologist")]);
});

/** An Agora call of the two parties, written straight to D1 so it can start near now. */
const agoraCall = (fields: Partial<Parameters<typeof createAppointment>[0]> = {}) =>
  createAppointment({ psychologist: doctor, patient, startsInMinutes: 10, videoProvider: "agora", ...fields });

const join = (id: number, as: { id: number; email: string; role: "psychologist" | "patient" | "admin" }) =>
  callJson(`${calls}${id}/join/`, { method: "POST", as });
const renew = (id: number, as: { id: number; email: string; role: "psychologist" | "patient" | "admin" }) =>
  callJson(`${calls}${id}/token/`, { method: "POST", as });

describe("POST /api/v1/video/video-calls/<id>/join/", () => {
  it("gives each party a publisher token for the channel under their own uid", async () => {
    const call = await agoraCall();

    const first = await join(call.id, doctor);
    expect(first.status).toBe(200);
    expect(Object.keys(first.body).sort()).toEqual(["channel_name", "expiration_time", "token", "uid"]);
    expect(first.body).toMatchObject({ channel_name: call.video_room_id, uid: doctor.id });
    expect(first.body.token.startsWith("007")).toBe(true);
    const doctorToken = await readAgoraToken(first.body.token, env.AGORA_APP_CERTIFICATE);
    expect(doctorToken).toMatchObject({
      appId: env.AGORA_APP_ID,
      channelName: call.video_room_id,
      uid: String(doctor.id),
      signedWithCertificate: true,
    });
    // The session plus 30 minutes, for the token and for every privilege (Agora drops a user whose privileges lapse).
    expect(doctorToken.expireSeconds).toBe(80 * 60);
    expect(doctorToken.privileges).toEqual({ 1: 80 * 60, 2: 80 * 60, 3: 80 * 60, 4: 80 * 60 });
    expect(first.body.expiration_time).toBe(isoOf(doctorToken.issueTs + 80 * 60));
    expect((await readAgoraToken(first.body.token, "0".repeat(32))).signedWithCertificate).toBe(false);

    const second = await join(call.id, patient);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ channel_name: call.video_room_id, uid: patient.id });
    expect((await readAgoraToken(second.body.token, env.AGORA_APP_CERTIFICATE)).uid).toBe(String(patient.id));
  });

  it.each([
    [15, 60],
    [240, 240],
  ])("gives a %i-minute call a %i-minute token", async (durationMinutes, ttlMinutes) => {
    const call = await agoraCall({ durationMinutes });
    const { body } = await join(call.id, patient);
    const token = await readAgoraToken(body.token, env.AGORA_APP_CERTIFICATE);
    expect(token.expireSeconds).toBe(ttlMinutes * 60);
    expect(secondsOf(body.expiration_time) - token.issueTs).toBe(ttlMinutes * 60);
  });

  it("lets parties in from 15 minutes before the start until 30 minutes after the end", async () => {
    expect(await join((await agoraCall({ startsInMinutes: 16 })).id, patient)).toEqual({
      status: 400,
      body: { error: "This call is not scheduled to start yet" },
    });
    expect((await join((await agoraCall({ startsInMinutes: 14.5 })).id, patient)).status).toBe(200);
    expect((await join((await agoraCall({ startsInMinutes: -79.5 })).id, patient)).status).toBe(200);
    const over = await agoraCall({ startsInMinutes: -81 });
    expect(await join(over.id, doctor)).toEqual({
      status: 400,
      body: { error: `This call is over: its video room closed at ${isoOf(over.ends_at + 1800)}, 30 minutes after the booked end` },
    });
    // A refused join leaves the call as it was.
    expect((await callJson(`${calls}${over.id}/`, { as: doctor })).body).toMatchObject({ status: "scheduled", started_at: null });
  });

  it("refuses cancelled and completed calls", async () => {
    expect(await join((await agoraCall({ status: "cancelled" })).id, patient)).toEqual({
      status: 400,
      body: { error: "This call has been cancelled" },
    });
    expect(await join((await agoraCall({ status: "completed", startsInMinutes: -10 })).id, doctor)).toEqual({
      status: 400,
      body: { error: "This call has already been completed" },
    });
  });

  it("lets nobody but the doctor and the patient join, admins included", async () => {
    const call = await agoraCall();
    expect(await join(call.id, stranger)).toEqual({ status: 404, body: { error: "Video call not found" } });
    for (const caller of [admin]) {
      expect(await join(call.id, caller)).toEqual({ status: 403, body: { error: "You are not authorized to access this call" } });
    }
    expect(await join(999_999, patient)).toEqual({ status: 404, body: { error: "Video call not found" } });
    expect((await callJson(`${calls}${call.id}/`, { as: doctor })).body.status).toBe("scheduled");
  });

  it("points Twilio appointments at the appointments API", async () => {
    const twilio = await agoraCall({ videoProvider: "twilio" });
    expect(await join(twilio.id, patient)).toEqual({
      status: 400,
      body: { error: `This appointment uses Twilio video: use the appointments API, /api/appointments/video-token/${twilio.id}/` },
    });
  });

  it("joins an Agora telehealth appointment booked through the appointments API", async () => {
    const booked = await callJson("/api/appointments/", {
      method: "POST",
      as: doctor,
      body: {
        patient_id: patient.id,
        appointment_date: isoInMinutes(60 * 24 * 30),
        duration_minutes: 50,
        session_type: "telehealth",
        video_provider: "agora",
      },
    });
    expect(booked.status).toBe(201);
    // Booked for next month, so its room is not open yet; the same row, moved to now, is.
    expect(await join(booked.body.id, patient)).toEqual({ status: 400, body: { error: "This call is not scheduled to start yet" } });
    await env.DB.prepare("UPDATE appointments SET starts_at = ? WHERE id = ?")
      .bind(Math.floor(Date.now() / 1000) + 300, booked.body.id)
      .run();
    const { status, body } = await join(booked.body.id, patient);
    expect(status).toBe(200);
    expect(body.channel_name).toBe(booked.body.video_room_id);
  });

  it("answers 500 naming the missing setting and leaves the call unstarted when Agora is not configured", async () => {
    const call = await agoraCall();
    const response = await withSettings({ AGORA_APP_CERTIFICATE: "" }, () => join(call.id, doctor));
    expect(response).toEqual({ status: 500, body: { error: "Failed to generate access token: AGORA_APP_CERTIFICATE is not set" } });
    const malformed = await withSettings({ AGORA_APP_ID: "not-an-app-id" }, () => join(call.id, doctor));
    expect(malformed).toEqual({
      status: 500,
      body: { error: "Failed to generate access token: Agora app ID and app certificate must be 32 hex characters" },
    });
    expect((await callJson(`${calls}${call.id}/`, { as: doctor })).body).toMatchObject({ status: "scheduled", started_at: null });
  });
});

describe("POST /api/v1/video/video-calls/<id>/token/", () => {
  it("renews a party's token until the room closes, without starting the call", async () => {
    const call = await agoraCall({ startsInMinutes: -40 });
    const roomClosesAt = call.starts_at + 50 * 60 + 30 * 60;
    for (const party of [doctor, patient]) {
      const { status, body } = await renew(call.id, party);
      expect(status).toBe(200);
      expect(body).toMatchObject({ channel_name: call.video_room_id, uid: party.id, expiration_time: isoOf(roomClosesAt) });
      const token = await readAgoraToken(body.token, env.AGORA_APP_CERTIFICATE);
      expect(token).toMatchObject({ uid: String(party.id), signedWithCertificate: true, expireSeconds: roomClosesAt - token.issueTs });
      expect(token.privileges).toEqual({
        1: roomClosesAt - token.issueTs,
        2: roomClosesAt - token.issueTs,
        3: roomClosesAt - token.issueTs,
        4: roomClosesAt - token.issueTs,
      });
    }
    expect((await callJson(`${calls}${call.id}/`, { as: doctor })).body.status).toBe("scheduled");
  });

  it("refuses whoever may not join: after the call is cancelled or ended, admins, strangers", async () => {
    const call = await agoraCall({ status: "ongoing", startsInMinutes: -5 });
    expect((await callJson(`${calls}${call.id}/end/`, { method: "POST", as: doctor })).status).toBe(200);
    expect(await renew(call.id, patient)).toEqual({ status: 400, body: { error: "This call has already been completed" } });
    const cancelled = await agoraCall({ status: "cancelled" });
    expect(await renew(cancelled.id, doctor)).toEqual({ status: 400, body: { error: "This call has been cancelled" } });
    const early = await agoraCall({ startsInMinutes: 60 });
    expect(await renew(early.id, doctor)).toEqual({ status: 400, body: { error: "This call is not scheduled to start yet" } });
    expect(await renew(early.id, stranger)).toEqual({ status: 404, body: { error: "Video call not found" } });
    for (const caller of [admin]) {
      expect(await renew(early.id, caller)).toEqual({ status: 403, body: { error: "You are not authorized to access this call" } });
    }
  });
});
