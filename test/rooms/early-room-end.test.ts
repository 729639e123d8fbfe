import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { HttpResponse, http } from "msw";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { FormParams } from "../../src/providers/twilio/webhook-signature";
import type { AppointmentSync } from "../../src/rooms/appointment-sync";
import { callJson } from "../support/api";
import { createAppointment, createUser, type UserFixture } from "../support/fixtures";
import { useOutboundStandIn } from "../support/outbound";
import { postAgora, postTwilio, roomOf } from "../webhooks/signed-webhooks";
import { agoraBody, inChannel, inRoom, sessionParticipants, twilioParams } from "./room-fixtures";

const outbound = useOutboundStandIn();

let psychologist: UserFixture, client: UserFixture;

beforeAll(async () => {
  [psychologist, client] = await Promise.all([createUser("psychologist"), createUser("patient")]);
});

// One clock reading per file, so a time posted and the time expected are the same instant.
const now = Date.now();
const minutesAgo = (minutes: number) => now - minutes * 60_000;
const seconds = (ms: number) => Math.floor(ms / 1000);

/** Twilio gives a room created again under the same unique name a new RoomSid. */
const SECOND_ROOM_SID = "RM00000000000000000000000000000002";
const inSecondRoom = (params: FormParams): FormParams =>
  params.map(([name, value]) => [name, name === "RoomSid" ? SECOND_ROOM_SID : value] as const);

const appointmentRow = (id: number) =>
  env.DB.prepare("SELECT status, started_at, ended_at FROM appointments WHERE id = ?").bind(id).first();

/** The room object's D1 bookkeeping and its alarm, read inside it. */
const bookkeeping = (roomName: string) =>
  runInDurableObject(roomOf(roomName), async (_, state) => ({
    sync: state.storage.kv.get<AppointmentSync>("appointment-sync"),
    alarm: await state.storage.getAlarm(),
  }));

/** When the appointment's join window closes (epoch ms): 30 minutes after the booked end. */
const windowClosesAt = (appointment: { ends_at: number }) => (appointment.ends_at + 30 * 60) * 1000;

const { therapist, patient, patientAgain } = sessionParticipants;

describe("a room that ends before the booked end leaves the appointment rejoinable until the join window closes", () => {
  it("Twilio ended the room when both dropped mid-session: the parties get tokens and a new room, whose events the room object follows", async () => {
    // 50 minutes from 20 minutes ago: the booked end is half an hour away.
    const appointment = await createAppointment({ psychologist, patient: client, startsInMinutes: -20 });
    const roomName = appointment.video_room_id!;
    for (const params of [
      twilioParams("room-created", minutesAgo(19), 0),
      twilioParams("participant-connected", minutesAgo(18), 1, therapist),
      twilioParams("participant-connected", minutesAgo(18), 2, patient),
      twilioParams("participant-disconnected", minutesAgo(12), 3, patient),
      twilioParams("participant-disconnected", minutesAgo(12), 4, therapist),
      // Twilio's empty-room timeout.
      twilioParams("room-ended", minutesAgo(2), 5),
    ]) {
      expect((await postTwilio(inRoom(params, roomName))).status).toBe(200);
    }
    expect(await appointmentRow(appointment.id)).toEqual({ status: "ongoing", started_at: seconds(minutesAgo(18)), ended_at: null });
    expect(await bookkeeping(roomName)).toMatchObject({
      sync: { synced: "ongoing", pending: { status: "completed", heldUntil: windowClosesAt(appointment) } },
    });

    for (const party of [psychologist, client]) {
      expect((await callJson(`/api/appointments/video-token/${appointment.id}/`, { as: party })).status).toBe(200);
    }
    outbound.use(
      http.post(`${env.TWILIO_VIDEO_BASE_URL}/v1/Rooms`, () =>
        HttpResponse.json({ sid: SECOND_ROOM_SID, unique_name: roomName, status: "in-progress" }, { status: 201 }),
      ),
    );
    expect(await callJson(`/api/appointments/video-room/${appointment.id}/`, { method: "POST", as: client })).toMatchObject({
      status: 201,
      body: { room_sid: SECOND_ROOM_SID },
    });
    for (const params of [
      twilioParams("room-created", minutesAgo(1), 0),
      twilioParams("participant-connected", minutesAgo(1), 1, patientAgain),
    ]) {
      expect(await (await postTwilio(inSecondRoom(inRoom(params, roomName)))).json()).toEqual({ delivery: "applied" });
    }

    expect(await callJson(`/api/appointments/video-status/${appointment.id}/`, { as: psychologist })).toMatchObject({
      status: 200,
      body: { room_sid: SECOND_ROOM_SID, status: "in-progress", participants_count: 1 },
    });
    // The rejoin withdrew the held completion; the session keeps its first start.
    expect(await bookkeeping(roomName)).toMatchObject({ sync: { synced: "ongoing" } });
    expect((await bookkeeping(roomName)).sync?.pending).toBeUndefined();
    expect(await appointmentRow(appointment.id)).toEqual({ status: "ongoing", started_at: seconds(minutesAgo(18)), ended_at: null });
  });

  it("nobody came back: the room object completes the appointment on its alarm once the window has closed", async () => {
    const appointment = await createAppointment({ psychologist, patient: client, startsInMinutes: -20, videoProvider: "agora" });
    const channel = appointment.video_room_id!;
    for (const body of [
      agoraBody(103, minutesAgo(18), { uid: psychologist.id, clientSeq: 1 }),
      agoraBody(104, minutesAgo(5), { uid: psychologist.id, clientSeq: 2 }),
      // Agora destroys a channel once its last user leaves.
      agoraBody(102, minutesAgo(5)),
    ]) {
      expect((await postAgora(inChannel(body, channel))).status).toBe(200);
    }
    expect(await appointmentRow(appointment.id)).toMatchObject({ status: "ongoing", ended_at: null });
    expect((await callJson(`/api/v1/video/video-calls/${appointment.id}/join/`, { method: "POST", as: client })).status).toBe(200);
    // Woken earlier for the write it held back, the room object then sleeps until the window closes.
    await runDurableObjectAlarm(roomOf(channel));
    expect(await bookkeeping(channel)).toMatchObject({
      sync: { pending: { status: "completed", heldUntil: windowClosesAt(appointment) } },
      alarm: windowClosesAt(appointment),
    });
    expect(await appointmentRow(appointment.id)).toMatchObject({ status: "ongoing" });

    // The window closes: the room object's clock (the same isolate's Date) moves there.
    vi.useFakeTimers({ toFake: ["Date"], now: windowClosesAt(appointment) });
    try {
      expect(await runDurableObjectAlarm(roomOf(channel))).toBe(true);
    } finally {
      vi.useRealTimers();
    }

    expect(await appointmentRow(appointment.id)).toEqual({
      status: "completed",
      started_at: seconds(minutesAgo(18)),
      ended_at: seconds(minutesAgo(5)),
    });
    expect(await bookkeeping(channel)).toEqual({ sync: { synced: "completed" }, alarm: null });
  });
});

describe("a room that ends after the booked end, or an explicit end call, completes the appointment at once", () => {
  it("a rejoined session whose new room ends after the booked end is completed then, keeping its first start", async () => {
    // 50 minutes from 55 minutes ago: booked end 5 minutes ago, the window open 25 minutes more.
    const appointment = await createAppointment({ psychologist, patient: client, startsInMinutes: -55 });
    const roomName = appointment.video_room_id!;
    const first = [
      twilioParams("participant-connected", minutesAgo(50), 1, therapist),
      twilioParams("participant-disconnected", minutesAgo(40), 2, therapist),
      twilioParams("room-ended", minutesAgo(39), 3),
    ];
    for (const params of first) await postTwilio(inRoom(params, roomName));
    expect(await appointmentRow(appointment.id)).toMatchObject({ status: "ongoing" });

    for (const params of [
      twilioParams("participant-connected", minutesAgo(4), 1, patientAgain),
      twilioParams("participant-disconnected", minutesAgo(1), 2, patientAgain),
      twilioParams("room-ended", minutesAgo(1), 3),
    ]) {
      await postTwilio(inSecondRoom(inRoom(params, roomName)));
    }
    expect(await appointmentRow(appointment.id)).toEqual({
      status: "completed",
      started_at: seconds(minutesAgo(50)),
      ended_at: seconds(minutesAgo(1)),
    });
    expect(await bookkeeping(roomName)).toEqual({ sync: { synced: "completed" }, alarm: null });
  });

  it("ending the call completes it before the booked end, and the room's end arriving after changes nothing", async () => {
    const appointment = await createAppointment({ psychologist, patient: client, startsInMinutes: -10, videoProvider: "agora" });
    const channel = appointment.video_room_id!;
    await postAgora(inChannel(agoraBody(103, minutesAgo(9), { uid: client.id, clientSeq: 1 }), channel));
    const ended = await callJson(`/api/v1/video/video-calls/${appointment.id}/end/`, { method: "POST", as: client });
    expect(ended).toMatchObject({ status: 200, body: { status: "completed" } });
    const completed = await appointmentRow(appointment.id);

    for (const body of [agoraBody(104, Date.now(), { uid: client.id, clientSeq: 2 }), agoraBody(102, Date.now())]) {
      await postAgora(inChannel(body, channel));
    }
    expect(await appointmentRow(appointment.id)).toEqual(completed);
    expect((await callJson(`/api/v1/video/video-calls/${appointment.id}/join/`, { method: "POST", as: client })).body).toEqual({
      error: "This call has already been completed",
    });
  });
});
