import { abortAllDurableObjects, env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { HttpResponse, http } from "msw";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { PROVIDER_ATTEMPTS } from "../../src/providers/provider-fetch";
import type { Revocations } from "../../src/rooms/revocations";
import type { RoomState } from "../../src/rooms/room-state";
import { call } from "../support/api";
import { createAppointment, createUser, type UserFixture } from "../support/fixtures";
import { useOutboundStandIn } from "../support/outbound";
import { postTwilio, roomOf } from "../webhooks/signed-webhooks";
import { inRoom, patient, ROOM_SID, therapist, twilioParams } from "./room-fixtures";

const outbound = useOutboundStandIn();

let psychologist: UserFixture, client: UserFixture;
beforeAll(async () => {
  [psychologist, client] = await Promise.all([createUser("psychologist"), createUser("patient")]);
});

const participantsUrl = `${env.TWILIO_VIDEO_BASE_URL}/v1/Rooms/${ROOM_SID}/Participants`;
const kickingRuleUrl = `${env.AGORA_API_BASE_URL}/dev/v1/kicking-rule`;

/** What the object keeps, read inside it. */
function stored(stub: ReturnType<typeof roomOf>) {
  return runInDurableObject(stub, async (_, state) => ({
    room: state.storage.kv.get<RoomState>("state"),
    revocations: state.storage.kv.get<Revocations>("revocations"),
    alarm: await state.storage.getAlarm(),
  }));
}

/** A provider endpoint that answers with `answer` for now, counting the calls; `answer` can be swapped when the outage ends. */
function endpoint(method: "get" | "post", url: string, answer: () => Response) {
  const served = { calls: 0, answer };
  outbound.use(
    http[method](url, () => {
      served.calls++;
      return served.answer();
    }),
  );
  return served;
}

/**
 * workerd's clock cannot be moved forward: a pending provider retry is made due by rewriting when
 * it is due, then the objects are reset so that the room reads the rewrite back, as after any
 * restart. Stubs do not outlive a reset: the room's new stub is returned.
 */
async function makeRetryDue(roomName: string) {
  await runInDurableObject(roomOf(roomName), (_, state) => {
    const revocations = state.storage.kv.get<Revocations>("revocations")!;
    state.storage.kv.put("revocations", { ...revocations, pending: revocations.pending.map((pending) => ({ ...pending, retryAt: 0 })) });
  });
  await abortAllDurableObjects();
  return roomOf(roomName);
}

const connected = (room: RoomState | undefined) =>
  room?.participants.filter((participant) => participant.status === "connected").map((participant) => participant.key);

describe("a provider outage and the room object", () => {
  it("keeps healing from Twilio's Rooms API on its alarm through an outage, and heals once Twilio is back", async () => {
    const appointment = await createAppointment({ psychologist, patient: client, startsInMinutes: -30 });
    const roomName = appointment.video_room_id!;
    const stub = roomOf(roomName);
    await postTwilio(inRoom(twilioParams("participant-connected", Date.now() - 5 * 60_000, 1, therapist), roomName));
    // The patient's join webhook is lost; Twilio's list is the only way to learn of it.
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const rooms = endpoint("get", participantsUrl, () =>
      HttpResponse.json({ code: 20503, message: "Service Unavailable" }, { status: 503 }),
    );

    const before = await stored(stub);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(rooms.calls).toBe(PROVIDER_ATTEMPTS);
    const during = await stored(stub);
    expect(during.room).toEqual(before.room);
    expect(during.alarm).not.toBeNull();
    expect(log.mock.calls.map(([line]) => JSON.parse(String(line)))).toContainEqual({
      event: "room_heal_failed",
      room_sid: ROOM_SID,
      kind: "ApiError",
    });

    rooms.answer = () =>
      HttpResponse.json({
        participants: [therapist, patient].map(({ sid, identity }) => ({
          sid,
          identity,
          status: "connected",
          start_time: new Date(Date.now() - 60_000).toISOString(),
        })),
      });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    log.mockRestore();
    expect(rooms.calls).toBe(PROVIDER_ATTEMPTS + 1);
    const after = await stored(stub);
    expect(connected(after.room)).toEqual([therapist.sid, patient.sid]);
    expect(after.alarm).not.toBeNull();
  });

  it("rides out a passing Agora 503 within the cancel: the channel is banned before the cancel answers, nothing left to retry", async () => {
    const appointment = await createAppointment({ psychologist, patient: client, startsInMinutes: 5, videoProvider: "agora" });
    const agora = endpoint("post", kickingRuleUrl, () => {
      agora.answer = () => HttpResponse.json({ status: "success", id: 1 });
      return HttpResponse.json({ status: "fail", message: "busy" }, { status: 503 });
    });
    const cancel = await call(`/api/appointments/${appointment.id}/`, { method: "PATCH", as: client, body: { status: "cancelled" } });
    expect(cancel.status).toBe(200);
    expect(agora.calls).toBe(2);
    expect((await stored(roomOf(appointment.video_room_id!))).revocations?.pending).toEqual([]);
  });

  it("answers a cancel during an Agora outage, retries the ban on its alarm with backoff, and bans once Agora is back", async () => {
    const appointment = await createAppointment({ psychologist, patient: client, startsInMinutes: 5, videoProvider: "agora" });
    const roomName = appointment.video_room_id!;
    let stub = roomOf(roomName);
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const agora = endpoint("post", kickingRuleUrl, () => HttpResponse.json({ status: "fail", message: "busy" }, { status: 503 }));

    const cancelledAt = Date.now();
    const cancel = await call(`/api/appointments/${appointment.id}/`, { method: "PATCH", as: client, body: { status: "cancelled" } });
    expect(cancel.status).toBe(200);
    expect(agora.calls).toBe(PROVIDER_ATTEMPTS);
    const first = await stored(stub);
    expect(first.revocations?.pending).toMatchObject([{ cause: "cancelled", attempts: 1 }]);
    const firstWait = first.revocations!.pending[0]!.retryAt - cancelledAt;
    expect(first.alarm).toBe(first.revocations!.pending[0]!.retryAt);

    stub = await makeRetryDue(roomName);
    const retriedAt = Date.now();

    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(agora.calls).toBe(2 * PROVIDER_ATTEMPTS);
    const second = await stored(stub);
    expect(second.revocations?.pending).toMatchObject([{ cause: "cancelled", attempts: 2 }]);
    // Each failure waits longer than the one before: the alarm backs off.
    expect(second.revocations!.pending[0]!.retryAt - retriedAt).toBeGreaterThan(firstWait);
    expect(second.alarm).toBe(second.revocations!.pending[0]!.retryAt);

    agora.answer = () => HttpResponse.json({ status: "success", id: 1 });
    stub = await makeRetryDue(roomName);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(agora.calls).toBe(2 * PROVIDER_ATTEMPTS + 1);
    expect((await stored(stub)).revocations?.pending).toEqual([]);
    const logged = log.mock.calls.map(([line]) => JSON.parse(String(line)));
    log.mockRestore();
    expect(logged.filter((entry) => entry.event === "room_revocation_failed").map((entry) => entry.attempts)).toEqual([1, 2]);
    expect(logged).toContainEqual({
      event: "room_access_revoked",
      appointment_id: appointment.id,
      cause: "cancelled",
      provider: "agora",
      outcome: "revoked",
    });
  });

  it("loses no room event when the object is reset between webhooks: each is stored before it is answered", async () => {
    const appointment = await createAppointment({ psychologist, patient: client, startsInMinutes: -30 });
    const roomName = appointment.video_room_id!;
    const t = Date.now() - 10 * 60_000;
    const callbacks = [
      twilioParams("room-created", t, 0),
      twilioParams("participant-connected", t + 1_000, 1, therapist),
      twilioParams("participant-connected", t + 2_000, 2, patient),
      twilioParams("participant-disconnected", t + 60_000, 3, patient),
    ];
    for (const callback of callbacks) {
      expect(await (await postTwilio(inRoom(callback, roomName))).json()).toEqual({ delivery: "applied" });
      // Every object in memory is thrown away, mid-nothing: only what each event stored survives.
      await abortAllDurableObjects();
    }
    // Twilio redelivers one it thinks was lost: the fresh object knows it.
    expect(await (await postTwilio(inRoom(callbacks[2]!, roomName))).json()).toEqual({ delivery: "duplicate" });

    const { room } = await stored(roomOf(roomName));
    expect(room?.status).toBe("in-progress");
    expect(room?.participants.map(({ key, status }) => ({ key, status }))).toEqual([
      { key: therapist.sid, status: "connected" },
      { key: patient.sid, status: "disconnected" },
    ]);
    const row = await env.DB.prepare("SELECT status, started_at FROM appointments WHERE id = ?").bind(appointment.id).first();
    expect(row).toEqual({ status: "ongoing", started_at: Math.floor((t + 1_000) / 1000) });
  });
});
