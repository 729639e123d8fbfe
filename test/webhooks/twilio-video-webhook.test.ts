import { createExecutionContext, env, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../src/http/app";
import { twilioSignature } from "../../src/providers/twilio/webhook-signature";
import type { RoomState } from "../../src/rooms/room-state";
import { inRoom, patient, ROOM_SID, therapist, twilioParams } from "../rooms/room-fixtures";
import { origin } from "../support/api";
import { createAppointment, createUser, type UserFixture } from "../support/fixtures";
import { postTwilio, roomOf, twilioWebhookPath } from "./signed-webhooks";

let psychologist: UserFixture, client: UserFixture;

beforeAll(async () => {
  [psychologist, client] = await Promise.all([createUser("psychologist"), createUser("patient")]);
});

/** A minute ago, once per file: recent, so no alarm the events schedule comes due while the tests run. */
const start = Date.now() - 60_000;
const at = (secondsIn: number) => start + secondsIn * 1000;

async function twilioRoom(startsInMinutes = -5) {
  const appointment = await createAppointment({ psychologist, patient: client, startsInMinutes });
  const roomName = appointment.video_room_id!;
  return { appointment, roomName, params: (...args: Parameters<typeof twilioParams>) => inRoom(twilioParams(...args), roomName) };
}

const storedState = (roomName: string) => runInDurableObject(roomOf(roomName), (_, state) => state.storage.kv.get<RoomState>("state"));

const appointmentRow = (id: number) =>
  env.DB.prepare("SELECT status, started_at, ended_at FROM appointments WHERE id = ?")
    .bind(id)
    .first<{ status: string; started_at: number | null; ended_at: number | null }>();

describe("POST /api/webhooks/twilio/video", () => {
  it("stores each signed event once in the room's object and starts the appointment on the first join", async () => {
    const { appointment, roomName, params } = await twilioRoom();
    const joinedAt = at(2);
    const callbacks = [
      params("room-created", at(0), 0),
      params("participant-connected", joinedAt, 1, therapist),
      params("track-added", at(3), 2, therapist),
    ];
    for (const callback of callbacks) {
      const response = await postTwilio(callback);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ delivery: "applied" });
    }
    expect(await (await postTwilio(callbacks[1]!)).json()).toEqual({ delivery: "duplicate" });

    const state = await storedState(roomName);
    expect(state).toMatchObject({
      roomSid: ROOM_SID,
      status: "in-progress",
      participants: [{ key: therapist.sid, identity: therapist.identity, status: "connected" }],
    });
    // Track events are kept in the log, though the status does not need them.
    expect(state?.log.map((logged) => logged.kind)).toEqual(["room-created", "participant-connected", "other"]);
    expect(await appointmentRow(appointment.id)).toEqual({ status: "ongoing", started_at: Math.floor(joinedAt / 1000), ended_at: null });
  });

  it("completes the appointment when the room ends after the booked end, with the room's end time", async () => {
    // Booked 55 minutes ago for 50: the room ends after the booked end (before it, see early-room-end.test.ts).
    const { appointment, params } = await twilioRoom(-55);
    const endedAt = at(40);
    for (const callback of [
      params("participant-connected", at(1), 1, therapist),
      params("participant-connected", at(5), 2, patient),
      params("participant-disconnected", at(30), 3, patient),
      params("room-ended", endedAt, 4),
    ]) {
      expect((await postTwilio(callback)).status).toBe(200);
    }
    expect(await appointmentRow(appointment.id)).toEqual({
      status: "completed",
      started_at: Math.floor(at(1) / 1000),
      ended_at: Math.floor(endedAt / 1000),
    });
  });

  it("never completes a cancelled appointment", async () => {
    const { appointment, params } = await twilioRoom();
    await env.DB.prepare("UPDATE appointments SET status = 'cancelled' WHERE id = ?").bind(appointment.id).run();
    await postTwilio(params("participant-connected", at(1), 1, therapist));
    await postTwilio(params("room-ended", at(9), 2));
    expect(await appointmentRow(appointment.id)).toMatchObject({ status: "cancelled", started_at: null, ended_at: null });
  });

  describe("rejects what Twilio did not sign, with 403 and nothing stored", () => {
    const cases: Array<[string, (callback: ReturnType<typeof twilioParams>) => Parameters<typeof postTwilio>[1]]> = [
      [
        "a tampered body",
        (callback) => ({ params: callback.map(([name, value]) => [name, name === "ParticipantIdentity" ? "patient:1" : value] as const) }),
      ],
      ["a signature for another URL", () => ({ url: `https://attacker.example${twilioWebhookPath}` })],
      ["a signature for another query", () => ({ url: `${env.PUBLIC_BASE_URL}${twilioWebhookPath}?x=1` })],
      ["another account's auth token", () => ({ authToken: "another-accounts-auth-token" })],
      ["no X-Twilio-Signature header", () => ({ signature: null })],
      ["a signature that is not base64", () => ({ signature: "%%%" })],
    ];
    it.each(cases)("%s", async (_, signWith) => {
      const { roomName, params } = await twilioRoom();
      const callback = params("participant-connected", at(1), 1, therapist);
      const response = await postTwilio(callback, signWith(callback));
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ error: "Invalid webhook signature" });
      expect(await storedState(roomName)).toBeUndefined();
    });
  });

  it.each(["", " "])("refuses every callback with 403 while the auth token is unset (%j), even one signed with that key", async (unset) => {
    const { roomName, params } = await twilioRoom();
    const callback = params("participant-connected", at(1), 1, therapist);
    // An empty HMAC key cannot be imported, so the empty setting is signed with a blank one.
    const signature = await twilioSignature(unset || " ", `${env.PUBLIC_BASE_URL}${twilioWebhookPath}`, callback);
    const request = new Request(`${origin}${twilioWebhookPath}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature },
      body: new URLSearchParams([...callback]).toString(),
    });
    const response = await app.fetch(request, { ...env, TWILIO_AUTH_TOKEN: unset }, createExecutionContext());
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: "Invalid webhook signature" });
    expect(await storedState(roomName)).toBeUndefined();
  });

  it("refuses a signed callback with a field sent twice (swapping two values keeps the signature), storing nothing", async () => {
    const { roomName, params } = await twilioRoom();
    const joined = params("participant-connected", at(1), 1, therapist);
    const doubled = [...joined, ["StatusCallbackEvent", "room-ended"] as const];
    const response = await postTwilio(doubled);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "Repeated form parameter: StatusCallbackEvent" });
    expect(await storedState(roomName)).toBeUndefined();
  });

  it("refuses a signed callback whose Timestamp is no plausible instant, storing nothing", async () => {
    const { roomName, params } = await twilioRoom();
    for (const timestamp of ["1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "not a time"]) {
      const callback = params("participant-connected", at(1), 1, therapist).map(([name, value]) =>
        name === "Timestamp" ? (["Timestamp", timestamp] as const) : ([name, value] as const),
      );
      expect((await postTwilio(callback)).status).toBe(400);
    }
    expect(await storedState(roomName)).toBeUndefined();
  });

  it("acknowledges and ignores rooms no Twilio appointment owns", async () => {
    const agoraAppointment = await createAppointment({ psychologist, patient: client, startsInMinutes: -5, videoProvider: "agora" });
    for (const roomName of ["apt-unknown-room", agoraAppointment.video_room_id!]) {
      const response = await postTwilio(inRoom(twilioParams("participant-connected", at(1), 1, therapist), roomName));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ delivery: "ignored" });
      expect(await storedState(roomName)).toBeUndefined();
    }
  });

  it("answers 400 to a signed callback that is not a room event, and to a body that is not a form", async () => {
    const { params } = await twilioRoom();
    const withoutRoomSid = params("participant-connected", at(1), 1, therapist).filter(([name]) => name !== "RoomSid");
    expect(await postTwilio(withoutRoomSid).then((response) => response.json())).toEqual({
      error: "Not a Twilio Video room status callback",
    });
    const withoutParticipant = params("participant-connected", at(1), 1).filter(([name]) => name !== "ParticipantSid");
    expect((await postTwilio(withoutParticipant)).status).toBe(400);

    const json = new Request(`${origin}${twilioWebhookPath}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect((await exports.default.fetch(json)).status).toBe(400);
  });

  it("refuses bodies over 64 KiB with 413 before reading them", async () => {
    const { roomName, params } = await twilioRoom();
    const padded = [...params("participant-connected", at(1), 1, therapist), ["Padding", "x".repeat(65 * 1024)] as const];
    const response = await postTwilio(padded);
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: "Payload too large" });
    expect(await storedState(roomName)).toBeUndefined();
  });
});
