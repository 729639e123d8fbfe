import { createExecutionContext, env, runDurableObjectAlarm, waitOnExecutionContext } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { AppointmentRow } from "../../../src/appointments/queries";
import { configOf } from "../../../src/base/config";
import { appointmentChanged } from "../../../src/lifecycle/appointment-lifecycle";
import { call, callJson, origin, tokenFor } from "../../support/api";
import { createAppointment, createUser, type UserFixture } from "../../support/fixtures";
import { joinKeyOf } from "./join-key";

let psychologist: UserFixture, patient: UserFixture, stranger: UserFixture;
beforeAll(async () => {
  [psychologist, patient, stranger] = await Promise.all([createUser("psychologist"), createUser("patient"), createUser("patient")]);
});

const webrtcSession = (fields: Partial<Parameters<typeof createAppointment>[0]> = {}) =>
  createAppointment({ psychologist, patient, startsInMinutes: 5, videoProvider: "webrtc", ...fields });
const signalPath = (row: AppointmentRow) => `/api/video-sessions/${row.video_room_id}/signal/`;

/** Opens a signalling socket as the page does: the bearer token offered as a subprotocol. */
function openSignalling(path: string, token: string) {
  return exports.default.fetch(
    new Request(`${origin}${path}`, { headers: { upgrade: "websocket", "sec-websocket-protocol": `bearer, ${token}` } }),
  );
}

/** A party's accepted socket: what it received, and how it was closed. */
async function connect(row: AppointmentRow, who: UserFixture, token?: string) {
  const response = await openSignalling(signalPath(row), token ?? (await tokenFor(who)));
  expect(response.status).toBe(101);
  expect(response.headers.get("sec-websocket-protocol")).toBe("bearer");
  const socket = response.webSocket!;
  const received: any[] = [];
  let closed: { code: number; reason: string } | undefined;
  socket.addEventListener("message", (event) => {
    received.push(JSON.parse(event.data as string));
  });
  socket.addEventListener("close", (event) => {
    closed = { code: event.code, reason: event.reason };
  });
  socket.accept();
  return {
    socket,
    received,
    closed: () => closed,
    until: (count: number) => vi.waitFor(() => expect(received.length).toBeGreaterThanOrEqual(count)),
    untilClosed: () => vi.waitFor(() => expect(closed).toBeDefined()).then(() => closed!),
  };
}

const roomStatus = async (row: AppointmentRow) => (await callJson(`/api/appointments/video-status/${row.id}/`, { as: patient })).body;
const appointmentStatus = async (row: AppointmentRow) => (await callJson(`/api/appointments/${row.id}/`, { as: patient })).body.status;
const offer = { description: { type: "offer", sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n" } };

describe("GET /api/video-sessions/<room>/signal/ (the built-in provider's signalling)", () => {
  it("tells each party whether the other is there, and relays signals to the other party only", async () => {
    const row = await webrtcSession();
    const clinician = await connect(row, psychologist);
    await clinician.until(1);
    expect(clinician.received[0]).toEqual({ type: "welcome", peer: null });

    const client = await connect(row, patient);
    await client.until(1);
    expect(client.received[0]).toEqual({ type: "welcome", peer: { identity: String(psychologist.id) } });
    await clinician.until(2);
    expect(clinician.received[1]).toEqual({ type: "peer-joined", peer: { identity: String(patient.id) } });

    client.socket.send(JSON.stringify({ type: "signal", data: offer }));
    client.socket.send("not a signal");
    clinician.socket.send(JSON.stringify({ type: "signal", data: { candidate: null } }));
    await clinician.until(3);
    await client.until(2);
    expect(clinician.received[2]).toEqual({ type: "signal", data: offer });
    expect(client.received[1]).toEqual({ type: "signal", data: { candidate: null } });
    // Nothing echoes back to the sender, and the rubbish went nowhere.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(clinician.received).toHaveLength(3);
    expect(client.received).toHaveLength(2);

    client.socket.close(1000, "left");
    await clinician.until(4);
    expect(clinician.received[3]).toEqual({ type: "peer-left", peer: { identity: String(patient.id) } });
    clinician.socket.close(1000, "left");
  });

  it("is presence: connections are room events, with status, live events and the appointment as for a provider's room", async () => {
    const row = await webrtcSession({ startsInMinutes: -2 });
    const clinician = await connect(row, psychologist);
    const client = await connect(row, patient);
    await client.until(1);
    await vi.waitFor(async () => expect((await roomStatus(row)).participants_count).toBe(2));
    const status = await roomStatus(row);
    expect(status).toMatchObject({ room_name: row.video_room_id, status: "in-progress", appointment_id: row.id });
    expect(status.participants.map((p: any) => [p.identity, p.status]).sort()).toEqual([
      [String(psychologist.id), "connected"],
      [String(patient.id), "connected"],
    ]);
    expect(await appointmentStatus(row)).toBe("ongoing");

    client.socket.close(1000, "left");
    await vi.waitFor(async () => expect((await roomStatus(row)).participants_count).toBe(1));
    const after = await roomStatus(row);
    expect(after.participants.find((p: any) => p.identity === String(patient.id)).status).toBe("disconnected");
    clinician.socket.close(1000, "left");
  });

  it("keeps one socket per party: a second tab takes over, the first is told so, and the other party sees no leave", async () => {
    const row = await webrtcSession();
    const clinician = await connect(row, psychologist);
    const firstTab = await connect(row, patient);
    await clinician.until(2);

    const secondTab = await connect(row, patient);
    expect(await firstTab.untilClosed()).toEqual({ code: 4001, reason: "This session was opened in another tab or window" });
    await secondTab.until(1);
    expect(secondTab.received[0]).toEqual({ type: "welcome", peer: { identity: String(psychologist.id) } });
    await clinician.until(3);
    expect(clinician.received.slice(2)).toEqual([{ type: "peer-joined", peer: { identity: String(patient.id) } }]);

    // Signals now reach the second tab only.
    clinician.socket.send(JSON.stringify({ type: "signal", data: offer }));
    await secondTab.until(2);
    expect(secondTab.received[1]).toEqual({ type: "signal", data: offer });
    await vi.waitFor(async () => {
      const participants = (await roomStatus(row)).participants.filter((p: any) => p.identity === String(patient.id));
      expect(participants.map((p: any) => p.status).sort()).toEqual(["connected", "disconnected"]);
    });
    secondTab.socket.close(1000, "left");
    clinician.socket.close(1000, "left");
  });

  it("takes a personal link's session token, for its own session only", async () => {
    const row = await webrtcSession();
    const other = await webrtcSession();
    const { body } = await callJson(`/api/video-sessions/${row.video_room_id}/redeem/`, {
      method: "POST",
      body: { key: await joinKeyOf(row, patient.id) },
    });
    const client = await connect(row, patient, body.token);
    await client.until(1);
    expect((await openSignalling(signalPath(other), body.token)).status).toBe(403);
    client.socket.close(1000, "left");
  });

  it("admits only the two parties, inside the join window, of a built-in session, as a WebSocket", async () => {
    const row = await webrtcSession();
    const refusal = async (path: string, token: string) => {
      const response = await openSignalling(path, token);
      return { status: response.status, body: await response.json() };
    };
    expect(await refusal(signalPath(row), await tokenFor(stranger))).toEqual({ status: 404, body: { error: "Video session not found" } });
    expect((await openSignalling(signalPath(row), "not-a-jwt")).status).toBe(401);

    const early = await webrtcSession({ startsInMinutes: 60 });
    expect(await refusal(signalPath(early), await tokenFor(patient))).toEqual({
      status: 400,
      body: { error: expect.stringMatching(/^This appointment has not started yet: its video room opens at /) },
    });
    const twilio = await webrtcSession({ videoProvider: "twilio" });
    expect(await refusal(signalPath(twilio), await tokenFor(patient))).toEqual({
      status: 400,
      body: { error: `This appointment uses Twilio video: use the appointments API, /api/appointments/video-token/${twilio.id}/` },
    });
    const plain = await call(signalPath(row), { as: patient });
    expect(plain.status).toBe(426);
  });

  it("ends both parties' signalling when the session is cancelled or moved, with the reason", async () => {
    const cancelled = await webrtcSession();
    const sockets = [await connect(cancelled, psychologist), await connect(cancelled, patient)];
    const cancel = await call(`/api/appointments/${cancelled.id}/`, { method: "PATCH", as: psychologist, body: { status: "cancelled" } });
    expect(cancel.status).toBe(200);
    for (const socket of sockets) expect(await socket.untilClosed()).toEqual({ code: 4003, reason: "This session was cancelled" });

    // A session under way cannot be moved through the API, so the change is handed to what follows every stored change.
    const before = await webrtcSession({ startsInMinutes: 10 });
    const client = await connect(before, patient);
    const after = { ...before, starts_at: before.starts_at + 3600 };
    const ctx = createExecutionContext();
    await appointmentChanged(
      { env, db: env.DB, config: configOf(env), ctx, actor: "system" },
      before,
      after,
      Math.floor(Date.now() / 1000),
    );
    await waitOnExecutionContext(ctx);
    expect(await client.untilClosed()).toEqual({ code: 4004, reason: "This session has moved to a new time" });
  });

  it("ends the signalling when the room closes (30 minutes after the booked end)", async () => {
    // A 15-minute session whose room closes two seconds from now.
    const row = await webrtcSession({ startsInMinutes: -45 + 2 / 60, durationMinutes: 15 });
    const client = await connect(row, patient);
    await client.until(1);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect(await runDurableObjectAlarm(env.ROOMS.getByName(row.video_room_id!))).toBe(true);
    expect(await client.untilClosed()).toEqual({ code: 4005, reason: "This session's video room has closed" });
    const { body } = await callJson(`/api/appointments/video-status/${row.id}/`, { as: patient });
    expect(body.participants_count).toBe(0);
  });
});
