import { beforeAll, describe, expect, it } from "vitest";
import { callJson } from "../support/api";
import { createAppointment, createUser, type UserFixture } from "../support/fixtures";
import { postAgora, postTwilio } from "../webhooks/signed-webhooks";
import { agoraBody, inChannel, inRoom, patient, ROOM_SID, therapist, twilioParams } from "./room-fixtures";

let psychologist: UserFixture, client: UserFixture, stranger: UserFixture, admin: UserFixture;

beforeAll(async () => {
  [psychologist, client, stranger, admin] = await Promise.all([
    createUser("psychologist"),
    createUser("patient"),
    createUser("patient"),
    createUser("admin"),
  ]);
});

const iso = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");

describe("GET /api/appointments/video-status/<id>/", () => {
  it("is not_found with nobody in it before the provider reports the room", async () => {
    const appointment = await createAppointment({ psychologist, patient: client, startsInMinutes: 5 });
    expect(await callJson(`/api/appointments/video-status/${appointment.id}/`, { as: client })).toEqual({
      status: 200,
      body: {
        room_name: appointment.video_room_id,
        room_sid: null,
        status: "not_found",
        participants_count: 0,
        participants: [],
        duration: null,
        created_at: null,
        appointment_id: appointment.id,
      },
    });
  });

  it("shows who is in the room, with durations computed at read time", async () => {
    const appointment = await createAppointment({ psychologist, patient: client, startsInMinutes: -5 });
    const roomName = appointment.video_room_id!;
    const createdAt = Date.now() - 300_000;
    for (const callback of [
      twilioParams("room-created", createdAt, 0),
      twilioParams("participant-connected", createdAt + 10_000, 1, therapist),
      twilioParams("participant-connected", createdAt + 20_000, 2, patient),
      twilioParams("participant-disconnected", createdAt + 80_000, 3, patient),
    ]) {
      await postTwilio(inRoom(callback, roomName));
    }
    const { status, body } = await callJson(`/api/appointments/video-status/${appointment.id}/`, { as: psychologist });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      room_name: roomName,
      room_sid: ROOM_SID,
      status: "in-progress",
      participants_count: 1,
      participants: [
        { sid: therapist.sid, identity: therapist.identity, status: "connected", connected_at: iso(createdAt + 10_000) },
        { sid: patient.sid, identity: patient.identity, status: "disconnected", duration: 60, connected_at: iso(createdAt + 20_000) },
      ],
      created_at: iso(createdAt),
      appointment_id: appointment.id,
    });
    // Still running: the therapist's time and the room's age grow with the clock.
    expect(body.participants[0].duration).toBeGreaterThanOrEqual(289);
    expect(body.duration).toBeGreaterThanOrEqual(299);
  });

  it("is for the two parties only, as the token endpoint is", async () => {
    const appointment = await createAppointment({ psychologist, patient: client, startsInMinutes: 5 });
    expect(await callJson(`/api/appointments/video-status/${appointment.id}/`, { as: stranger })).toEqual({
      status: 404,
      body: { error: "Appointment not found" },
    });
    expect(await callJson(`/api/appointments/video-status/${appointment.id}/`, { as: admin })).toEqual({
      status: 403,
      body: { error: "Permission denied" },
    });
    expect(await callJson(`/api/appointments/video-status/999999/`, { as: client })).toEqual({
      status: 404,
      body: { error: "Appointment not found" },
    });
    expect((await callJson(`/api/appointments/video-status/${appointment.id}/`)).status).toBe(401);
  });

  it("answers 404 for an appointment without a video room", async () => {
    const inPerson = await createAppointment({ psychologist, patient: client, startsInMinutes: 5, sessionType: "in_person" });
    expect(await callJson(`/api/appointments/video-status/${inPerson.id}/`, { as: client })).toEqual({
      status: 404,
      body: { error: "No video room found for this appointment" },
    });
  });
});

describe("GET /api/v1/video/video-calls/<id>/status/", () => {
  it("shows the Agora channel's status to the parties", async () => {
    const appointment = await createAppointment({ psychologist, patient: client, startsInMinutes: -5, videoProvider: "agora" });
    const channel = appointment.video_room_id!;
    await postAgora(inChannel(agoraBody(103, Date.now() - 30_000, { uid: 2002, clientSeq: 1 }), channel));
    const { status, body } = await callJson(`/api/v1/video/video-calls/${appointment.id}/status/`, { as: client });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      room_name: channel,
      room_sid: channel,
      status: "in-progress",
      participants_count: 1,
      participants: [{ sid: "2002", identity: "2002" }],
      appointment_id: appointment.id,
    });
  });

  it("answers the video-calls API's own 403 (admins) and 404 (missing, or a stranger's)", async () => {
    const appointment = await createAppointment({ psychologist, patient: client, startsInMinutes: 5, videoProvider: "agora" });
    expect(await callJson(`/api/v1/video/video-calls/${appointment.id}/status/`, { as: stranger })).toEqual({
      status: 404,
      body: { error: "Appointment not found" },
    });
    expect(await callJson(`/api/v1/video/video-calls/${appointment.id}/status/`, { as: admin })).toEqual({
      status: 403,
      body: { error: "You are not authorized to access this call" },
    });
    expect(await callJson(`/api/v1/video/video-calls/999999/status/`, { as: client })).toEqual({
      status: 404,
      body: { error: "Appointment not found" },
    });
  });

  it("asks the same rule as every other calls route: telehealth Agora sessions only", async () => {
    const twilio = await createAppointment({ psychologist, patient: client, startsInMinutes: 5 });
    expect(await callJson(`/api/v1/video/video-calls/${twilio.id}/status/`, { as: client })).toEqual({
      status: 400,
      body: { error: `This appointment uses Twilio video: use the appointments API, /api/appointments/video-token/${twilio.id}/` },
    });
    const inPerson = await createAppointment({
      psychologist,
      patient: client,
      startsInMinutes: 5,
      videoProvider: "agora",
      sessionType: "in_person",
    });
    expect(await callJson(`/api/v1/video/video-calls/${inPerson.id}/status/`, { as: client })).toEqual({
      status: 404,
      body: { error: "Appointment not found" },
    });
  });
});
