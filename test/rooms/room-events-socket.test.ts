import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { LiveMessage } from "../../src/rooms/live-messages";
import { call, origin, tokenFor } from "../support/api";
import { createAppointment, createUser, type UserFixture } from "../support/fixtures";
import { postTwilio } from "../webhooks/signed-webhooks";
import { inRoom, patient, therapist, twilioParams } from "./room-fixtures";

let psychologist: UserFixture, client: UserFixture, stranger: UserFixture;

beforeAll(async () => {
  [psychologist, client, stranger] = await Promise.all([createUser("psychologist"), createUser("patient"), createUser("patient")]);
});

const eventsPath = (id: number) => `/api/appointments/video-events/${id}/`;

/** Opens the events socket as a browser would: an upgrade with the JWT where browsers can put it. */
function openEvents(path: string, headers: Record<string, string>) {
  return exports.default.fetch(new Request(`${origin}${path}`, { headers: { upgrade: "websocket", ...headers } }));
}

/** Accepts the client end and collects what it receives. */
function listen(response: Response) {
  const socket = response.webSocket!;
  const received: LiveMessage[] = [];
  socket.addEventListener("message", (event) => {
    received.push(JSON.parse(event.data as string));
  });
  socket.accept();
  return { socket, received, until: (count: number) => vi.waitFor(() => expect(received.length).toBeGreaterThanOrEqual(count)) };
}

const isoSeconds = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");

describe("GET /api/appointments/video-events/<id>/", () => {
  it("sends the status first, then each join and leave in order as signed webhooks arrive", async () => {
    const appointment = await createAppointment({ psychologist, patient: client, startsInMinutes: -5 });
    const roomName = appointment.video_room_id!;
    const response = await openEvents(eventsPath(appointment.id), { "sec-websocket-protocol": `bearer, ${await tokenFor(client)}` });
    expect(response.status).toBe(101);
    // Only `bearer` is echoed: the token must never come back in a header.
    expect(response.headers.get("sec-websocket-protocol")).toBe("bearer");
    const events = listen(response);
    await events.until(1);
    expect(events.received[0]).toMatchObject({
      type: "status",
      data: { room_name: roomName, status: "not_found", participants_count: 0, appointment_id: appointment.id },
    });

    const t = Date.now() - 60_000;
    await postTwilio(inRoom(twilioParams("participant-connected", t + 1000, 1, therapist), roomName));
    await postTwilio(inRoom(twilioParams("participant-connected", t + 2000, 2, patient), roomName));
    await postTwilio(inRoom(twilioParams("participant-disconnected", t + 32_000, 3, patient), roomName));
    await postTwilio(inRoom(twilioParams("participant-disconnected", t + 32_000, 3, patient), roomName)); // redelivered: nothing new
    await postTwilio(inRoom(twilioParams("room-ended", t + 40_000, 4), roomName));
    await events.until(6);
    expect(events.received.slice(1)).toEqual([
      { type: "call.started", at: isoSeconds(t + 1000) },
      { type: "participant.joined", at: isoSeconds(t + 1000), participant: { sid: therapist.sid, identity: therapist.identity } },
      { type: "participant.joined", at: isoSeconds(t + 2000), participant: { sid: patient.sid, identity: patient.identity } },
      { type: "participant.left", at: isoSeconds(t + 32_000), participant: { sid: patient.sid, identity: patient.identity, duration: 30 } },
      // The room's end closes the therapist's spell too; dashboards see one call.ended.
      {
        type: "participant.left",
        at: isoSeconds(t + 40_000),
        participant: { sid: therapist.sid, identity: therapist.identity, duration: 39 },
      },
      { type: "call.ended", at: isoSeconds(t + 40_000) },
    ]);
    events.socket.close(1000, "done");
  });

  it("accepts the JWT as a token query parameter on the upgrade, and answers a status request", async () => {
    const appointment = await createAppointment({ psychologist, patient: client, startsInMinutes: -5 });
    const response = await openEvents(`${eventsPath(appointment.id)}?token=${await tokenFor(psychologist)}`, {});
    expect(response.status).toBe(101);
    expect(response.headers.get("sec-websocket-protocol")).toBeNull();
    const events = listen(response);
    events.socket.send("status");
    await events.until(2);
    expect(events.received.map((message) => message.type)).toEqual(["status", "status"]);
    events.socket.close(1000, "done");
  });

  it("tells watchers when the appointment is cancelled", async () => {
    const appointment = await createAppointment({ psychologist, patient: client, startsInMinutes: 60 });
    const events = listen(await openEvents(eventsPath(appointment.id), { "sec-websocket-protocol": `bearer, ${await tokenFor(client)}` }));
    const cancelled = await call(`/api/appointments/${appointment.id}/`, {
      method: "PATCH",
      as: psychologist,
      body: { status: "cancelled" },
    });
    expect(cancelled.status).toBe(200);
    await events.until(2);
    expect(events.received[1]).toEqual({ type: "call.cancelled", at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) });
    events.socket.close(1000, "done");
  });

  it("tells watchers when a call is cancelled through the video-calls API too", async () => {
    const appointment = await createAppointment({ psychologist, patient: client, startsInMinutes: 60, videoProvider: "agora" });
    const events = listen(await openEvents(eventsPath(appointment.id), { "sec-websocket-protocol": `bearer, ${await tokenFor(client)}` }));
    const cancelled = await call(`/api/v1/video/video-calls/${appointment.id}/cancel/`, { method: "POST", as: psychologist });
    expect(cancelled.status).toBe(200);
    await events.until(2);
    expect(events.received[1]).toMatchObject({ type: "call.cancelled" });
    events.socket.close(1000, "done");
  });

  it("is for the two parties only, and only as a WebSocket", async () => {
    const appointment = await createAppointment({ psychologist, patient: client, startsInMinutes: 5 });
    const strangers = await openEvents(eventsPath(appointment.id), { "sec-websocket-protocol": `bearer, ${await tokenFor(stranger)}` });
    expect(strangers.status).toBe(404);
    expect((await openEvents(eventsPath(appointment.id), {})).status).toBe(401);
    const plain = await call(eventsPath(appointment.id), { as: client });
    expect(plain.status).toBe(426);
    expect(await plain.json()).toEqual({ error: "Expected a WebSocket upgrade" });
  });

  it("closes the socket with a normal close right after call.ended, and a page that reconnects hears the room is over", async () => {
    const appointment = await createAppointment({ psychologist, patient: client, startsInMinutes: -5 });
    const roomName = appointment.video_room_id!;
    const headers = { "sec-websocket-protocol": `bearer, ${await tokenFor(client)}` };
    const events = listen(await openEvents(eventsPath(appointment.id), headers));
    const closed = new Promise<{ code: number; reason: string; received: string[] }>((resolve) =>
      events.socket.addEventListener("close", ({ code, reason }) =>
        resolve({ code, reason, received: events.received.map(({ type }) => type) }),
      ),
    );
    await events.until(1);
    const t = Date.now() - 60_000;
    await postTwilio(inRoom(twilioParams("participant-connected", t, 1, therapist), roomName));
    expect(events.socket.readyState).toBe(WebSocket.OPEN);
    await postTwilio(inRoom(twilioParams("room-ended", t + 30_000, 2), roomName));
    // Closed only once call.ended was sent: it is the last thing the socket carried.
    expect(await closed).toEqual({
      code: 1000,
      reason: "The call has ended",
      received: ["status", "call.started", "participant.joined", "participant.left", "call.ended"],
    });

    const again = listen(await openEvents(eventsPath(appointment.id), headers));
    await again.until(1);
    expect(again.received[0]).toMatchObject({ type: "status", data: { status: "completed" } });
    again.socket.send("status");
    await again.until(2);
    expect(again.socket.readyState).toBe(WebSocket.OPEN);
    again.socket.close(1000, "done");
  });

  it("answers a close without a code (what browsers send) at once, with a normal close", async () => {
    const appointment = await createAppointment({ psychologist, patient: client, startsInMinutes: 5 });
    const events = listen(await openEvents(eventsPath(appointment.id), { "sec-websocket-protocol": `bearer, ${await tokenFor(client)}` }));
    await events.until(1);
    const closed = new Promise<number>((resolve) => events.socket.addEventListener("close", (event) => resolve(event.code)));
    events.socket.close();
    expect(await closed).toBe(1000);
  });

  it("never takes a token from the query string of an ordinary request", async () => {
    const appointment = await createAppointment({ psychologist, patient: client, startsInMinutes: 5 });
    const response = await call(`/api/appointments/video-status/${appointment.id}/?token=${await tokenFor(client)}`);
    expect(response.status).toBe(401);
  });

  it("takes a token from a URL or a subprotocol on the WebSocket routes only, even on an upgrade", async () => {
    const appointment = await createAppointment({ psychologist, patient: client, startsInMinutes: 5 });
    const token = await tokenFor(client);
    for (const path of [`/api/appointments/video-status/${appointment.id}/`, `/api/appointments/${appointment.id}/`, "/api/users/me"]) {
      expect((await openEvents(`${path}?token=${token}`, {})).status, path).toBe(401);
      expect((await openEvents(path, { "sec-websocket-protocol": `bearer, ${token}` })).status, path).toBe(401);
    }
  });
});
