import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { HttpResponse, http } from "msw";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { AppointmentSync } from "../../src/rooms/appointment-sync";
import { HEAL_INTERVAL_MS } from "../../src/rooms/room-alarm";
import type { RoomState } from "../../src/rooms/room-state";
import { createAppointment, createUser, type UserFixture } from "../support/fixtures";
import { useOutboundStandIn } from "../support/outbound";
import { postAgora, postTwilio, roomOf } from "../webhooks/signed-webhooks";
import { agoraBody, inChannel, inRoom, patient, ROOM_SID, therapist, twilioParams } from "./room-fixtures";

const outbound = useOutboundStandIn();

let psychologist: UserFixture, client: UserFixture;

beforeAll(async () => {
  [psychologist, client] = await Promise.all([createUser("psychologist"), createUser("patient")]);
});

// One clock reading per file, so a time posted and the time expected are the same instant.
const started = Date.now();
const minutesAgo = (minutes: number) => started - minutes * 60_000;
const seconds = (ms: number) => Math.floor(ms / 1000);

/** A session under way; `startsInMinutes: -75` makes its booked end 25 minutes ago, so a room ending now completes it. */
async function appointmentRoom(videoProvider: "twilio" | "agora", startsInMinutes = -30) {
  const appointment = await createAppointment({ psychologist, patient: client, startsInMinutes, videoProvider });
  return { appointment, roomName: appointment.video_room_id!, stub: roomOf(appointment.video_room_id!) };
}

/** What the object keeps, read inside it. */
function stored(stub: ReturnType<typeof roomOf>) {
  return runInDurableObject(stub, async (_, state) => ({
    room: state.storage.kv.get<RoomState>("state"),
    sync: state.storage.kv.get<AppointmentSync>("appointment-sync"),
    alarm: await state.storage.getAlarm(),
  }));
}

const appointmentRow = (id: number) =>
  env.DB.prepare("SELECT status, started_at, ended_at FROM appointments WHERE id = ?").bind(id).first();

const twilioParticipants = (participants: Array<{ sid: string; identity: string; since: number }>) =>
  HttpResponse.json({
    participants: participants.map(({ sid, identity, since }) => ({
      sid,
      identity,
      status: "connected",
      start_time: new Date(since).toISOString().replace(/\.\d{3}Z$/, "Z"),
    })),
  });

describe("RoomObject", () => {
  it("keeps its state across evictions: the constructor reads what each event stored", async () => {
    const { roomName, stub } = await appointmentRoom("twilio");
    await postTwilio(inRoom(twilioParams("participant-connected", minutesAgo(1), 1, therapist), roomName));
    await evictDurableObject(stub);
    const status = await stub.status({ roomName, appointmentId: 1 });
    expect(status).toMatchObject({ room_sid: ROOM_SID, status: "in-progress", participants_count: 1 });
  });

  it("heals a live Twilio room on its alarm from the Rooms API, then stops the alarm once the room ends", async () => {
    const { roomName, stub } = await appointmentRoom("twilio", -75);
    const patientAgain = { sid: "PA000000000000000000000000000000ff", identity: patient.identity };
    for (const callback of [
      twilioParams("room-created", minutesAgo(10), 0),
      twilioParams("participant-connected", minutesAgo(9), 1, therapist),
      twilioParams("participant-connected", minutesAgo(8), 2, patient),
    ]) {
      await postTwilio(inRoom(callback, roomName));
    }
    // The patient dropped and rejoined as a new participant; both webhooks were lost.
    const requests: Array<{ url: string; authorization: string | null }> = [];
    outbound.use(
      http.get(`${env.TWILIO_VIDEO_BASE_URL}/v1/Rooms/${ROOM_SID}/Participants`, ({ request }) => {
        requests.push({ url: request.url, authorization: request.headers.get("authorization") });
        return twilioParticipants([
          { ...therapist, since: minutesAgo(9) },
          { ...patientAgain, since: minutesAgo(3) },
        ]);
      }),
    );
    const before = Date.now();
    expect((await stored(stub)).alarm).toBeGreaterThanOrEqual(before);
    expect(await runDurableObjectAlarm(stub)).toBe(true);

    expect(new URL(requests[0]!.url).searchParams.get("Status")).toBe("connected");
    expect(requests[0]!.authorization).toBe(`Basic ${btoa(`${env.TWILIO_API_KEY_SID}:${env.TWILIO_API_KEY_SECRET}`)}`);
    const { room, alarm } = await stored(stub);
    expect(room?.participants.map(({ key, status }) => ({ key, status }))).toEqual([
      { key: therapist.sid, status: "connected" },
      { key: patient.sid, status: "disconnected" },
      { key: patientAgain.sid, status: "connected" },
    ]);
    expect(room?.participants.find((participant) => participant.key === patientAgain.sid)?.connectedAt).toBe(seconds(minutesAgo(3)) * 1000);
    expect(alarm).toBeGreaterThanOrEqual(before + HEAL_INTERVAL_MS);

    await postTwilio(inRoom(twilioParams("room-ended", minutesAgo(0), 3), roomName));
    expect(await stored(stub)).toMatchObject({ room: { status: "completed" }, alarm: null });
  });

  it("does not disconnect a participant whose join webhook arrived while the Rooms API list was in flight", async () => {
    const { roomName, stub } = await appointmentRoom("twilio");
    await postTwilio(inRoom(twilioParams("participant-connected", minutesAgo(5), 1, therapist), roomName));
    // The list is taken before the patient joins; their join webhook lands before the list's answer.
    outbound.use(
      http.get(`${env.TWILIO_VIDEO_BASE_URL}/v1/Rooms/${ROOM_SID}/Participants`, async () => {
        const listed = twilioParticipants([{ ...therapist, since: minutesAgo(5) }]);
        await postTwilio(inRoom(twilioParams("participant-connected", Date.now(), 2, patient), roomName));
        return listed;
      }),
    );
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const { room } = await stored(stub);
    expect(room?.participants.map(({ key, status }) => ({ key, status }))).toEqual([
      { key: therapist.sid, status: "connected" },
      { key: patient.sid, status: "connected" },
    ]);
  });

  it("keeps a failed D1 update pending and writes it on the alarm", async () => {
    const { appointment, channel, stub } = await agoraRoom();
    // A real D1 failure, for this appointment only: a trigger refusing every update of its row.
    const trigger = `simulated_outage_${appointment.id}`;
    await env.DB.exec(
      `CREATE TRIGGER ${trigger} BEFORE UPDATE ON appointments WHEN OLD.id = ${appointment.id} BEGIN SELECT RAISE(ABORT, 'simulated D1 outage'); END`,
    );
    const joinedAt = minutesAgo(2);
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const response = await postAgora(inChannel(agoraBody(103, joinedAt, { uid: 1001, clientSeq: 1 }), channel));
    log.mockRestore();

    // The event is stored and acknowledged all the same; the update waits in the object.
    expect(await response.json()).toEqual({ delivery: "applied" });
    expect(await appointmentRow(appointment.id)).toMatchObject({ status: "scheduled", started_at: null });
    const failed = await stored(stub);
    expect(failed.sync).toEqual({ pending: { status: "ongoing", startedAt: seconds(joinedAt) * 1000, attempts: 1 } });
    expect(failed.alarm).not.toBeNull();

    await env.DB.exec(`DROP TRIGGER ${trigger}`);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await appointmentRow(appointment.id)).toMatchObject({ status: "ongoing", started_at: seconds(joinedAt) });
    // Written, so cleared; and a live Agora room with someone in it needs no alarm.
    expect(await stored(stub)).toMatchObject({ sync: { synced: "ongoing" }, alarm: null });
  });

  it("ends a room left empty past the timeout and completes the appointment, after its booked end, when the last party left", async () => {
    const { appointment, channel, stub } = await agoraRoom(-75);
    const leftAt = minutesAgo(20);
    await postAgora(inChannel(agoraBody(103, minutesAgo(45), { uid: 1001, clientSeq: 1 }), channel));
    await postAgora(inChannel(agoraBody(103, minutesAgo(44), { uid: 2002, clientSeq: 1 }), channel));
    await postAgora(inChannel(agoraBody(104, minutesAgo(21), { uid: 2002, clientSeq: 2 }), channel));
    await postAgora(inChannel(agoraBody(104, leftAt, { uid: 1001, clientSeq: 2 }), channel));
    // The deadline has passed, so the runtime may already have run the alarm; either way it runs once.
    await runDurableObjectAlarm(stub);
    await vi.waitFor(async () => expect((await stored(stub)).room?.status).toBe("completed"));
    expect(await stored(stub)).toMatchObject({ room: { endedAt: seconds(leftAt) * 1000 }, sync: { synced: "completed" }, alarm: null });
    expect(await appointmentRow(appointment.id)).toEqual({
      status: "completed",
      started_at: seconds(minutesAgo(45)),
      ended_at: seconds(leftAt),
    });
  });
});

async function agoraRoom(startsInMinutes?: number) {
  const { appointment, roomName, stub } = await appointmentRoom("agora", startsInMinutes);
  return { appointment, channel: roomName, stub };
}
