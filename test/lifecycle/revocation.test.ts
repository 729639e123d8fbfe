import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { HttpResponse, http } from "msw";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { AppointmentRow } from "../../src/appointments/queries";
import { roomStub } from "../../src/rooms/room-stub";
import { roomSocketRequest } from "../../src/rooms/socket-requests";
import { inRoom, ROOM_SID, twilioParams } from "../rooms/room-fixtures";
import { call, callJson, origin, tokenFor } from "../support/api";
import { createAppointment, createUser, type UserFixture } from "../support/fixtures";
import { useOutboundStandIn } from "../support/outbound";
import { postTwilio } from "../webhooks/signed-webhooks";

const outbound = useOutboundStandIn();
const admin = { id: 1, email: "admin@example.com", role: "admin" } as const;

let psychologist: UserFixture, patient: UserFixture;
beforeAll(async () => {
  [psychologist, patient] = await Promise.all([createUser("psychologist"), createUser("patient")]);
});

/** A session whose join window is open now. */
const sessionNow = (videoProvider: AppointmentRow["video_provider"], parties = { psychologist, patient }) =>
  createAppointment({ ...parties, startsInMinutes: 5, videoProvider });

/** Opens a room WebSocket as a browser does (the token as a subprotocol) and records what happens to it. */
async function openSocket(path: string, token: string) {
  const response = await exports.default.fetch(
    new Request(`${origin}${path}`, { headers: { upgrade: "websocket", "sec-websocket-protocol": `bearer, ${token}` } }),
  );
  if (response.status !== 101) return { status: response.status, body: (await response.json()) as { error: string } };
  const socket = response.webSocket!;
  let closed: { code: number; reason: string } | undefined;
  socket.addEventListener("close", (event) => {
    closed = { code: event.code, reason: event.reason };
  });
  socket.accept();
  return {
    status: 101,
    socket,
    isOpen: () => closed === undefined,
    untilClosed: () => vi.waitFor(() => expect(closed).toBeDefined(), { timeout: 5000 }).then(() => closed!),
  };
}

const signalPath = (row: AppointmentRow) => `/api/video-sessions/${row.video_room_id}/signal/`;
const eventsPath = (row: AppointmentRow) => `/api/appointments/video-events/${row.id}/`;

/** Agora's kicking-rule endpoint, answering as Agora does, recording each rule and when it arrived. */
function agoraBans() {
  const bans: Array<{ body: any; authorization: string | null; at: number }> = [];
  outbound.use(
    http.post("https://api.agora.stand-in/dev/v1/kicking-rule", async ({ request }) => {
      bans.push({ body: await request.json(), authorization: request.headers.get("authorization"), at: Date.now() });
      return HttpResponse.json({ status: "success", id: 1000 + bans.length });
    }),
  );
  return bans;
}

describe("revocation: cancel, reschedule away and deactivation end access now", () => {
  it("a cancelled Twilio session's live room is completed at Twilio before the cancel answers", async () => {
    const row = await sessionNow("twilio");
    const roomSid = ROOM_SID;
    expect((await postTwilio(inRoom(twilioParams("room-created", Date.now() - 60_000, 0), row.video_room_id!))).status).toBe(200);
    const completed: Array<{ form: URLSearchParams; at: number }> = [];
    outbound.use(
      http.post(`${env.TWILIO_VIDEO_BASE_URL}/v1/Rooms/${roomSid}`, async ({ request }) => {
        completed.push({ form: new URLSearchParams(await request.text()), at: Date.now() });
        return HttpResponse.json({ sid: roomSid, unique_name: row.video_room_id, status: "completed" });
      }),
    );
    const cancel = await call(`/api/appointments/${row.id}/`, { method: "PATCH", as: patient, body: { status: "cancelled" } });
    const answeredAt = Date.now();
    expect(cancel.status).toBe(200);
    expect(completed).toHaveLength(1);
    expect(Object.fromEntries(completed[0]!.form)).toEqual({ Status: "completed" });
    expect(completed[0]!.at).toBeLessThanOrEqual(answeredAt);
  });

  it("ordering: of Agora tokens requested while a cancel runs, none is usable once it answers (the channel is banned until the room closes)", async () => {
    const row = await sessionNow("agora");
    const bans = agoraBans();
    const renew = () => callJson(`/api/v1/video/video-calls/${row.id}/token/`, { method: "POST", as: patient });
    // Requests before, during and after the cancel's D1 write, all in flight together.
    const inFlight = Array.from({ length: 8 }, renew);
    const cancel = await call(`/api/v1/video/video-calls/${row.id}/cancel/`, { method: "POST", as: psychologist });
    const answeredAt = Date.now();
    expect(cancel.status).toBe(200);
    const answers = await Promise.all(inFlight);

    // The ban reached Agora before the cancel answered, for the whole channel, for as long as any token issued lives.
    expect(bans).toHaveLength(1);
    const [ban] = bans;
    expect(ban!.at).toBeLessThanOrEqual(answeredAt);
    expect(ban!.authorization).toBe(`Basic ${btoa(`${env.AGORA_CUSTOMER_ID}:${env.AGORA_CUSTOMER_SECRET}`)}`);
    expect(ban!.body).toEqual({
      appid: env.AGORA_APP_ID,
      cname: row.video_room_id,
      time_in_seconds: expect.any(Number),
      privileges: ["join_channel"],
    });
    const bannedUntil = ban!.at + ban!.body.time_in_seconds * 1000;
    for (const answer of answers) {
      if (answer.status === 200) expect(Date.parse(answer.body.expiration_time)).toBeLessThanOrEqual(bannedUntil + 1000);
      else expect(answer.body.error).toBe("This call has been cancelled");
    }
    // After the answer, no token at all.
    expect((await renew()).body).toEqual({ error: "This call has been cancelled" });
  });

  it("ordering: built-in sessions: sockets opened while a cancel runs are closed or refused once it answers, and a request checked before it is refused after", async () => {
    const row = await sessionNow("webrtc");
    const [patientToken, psychologistToken] = await Promise.all([tokenFor(patient), tokenFor(psychologist)]);
    const events = await openSocket(eventsPath(row), patientToken);
    const racing = [openSocket(signalPath(row), patientToken), openSocket(signalPath(row), psychologistToken)];
    const checkedBeforeCancel = Date.now();
    const cancel = await call(`/api/appointments/${row.id}/`, { method: "PATCH", as: psychologist, body: { status: "cancelled" } });
    expect(cancel.status).toBe(200);
    for (const socket of [events, ...(await Promise.all(racing))]) {
      if (socket.status === 101) expect((await socket.untilClosed!()).code).toBe(4003);
      else expect([400, 403]).toContain(socket.status);
    }
    // A request that read D1 before the cancel but reaches the room after it: the room refuses it.
    const lateHolder = {
      roomName: row.video_room_id!,
      appointmentId: row.id,
      userId: patient.id,
      checkedAt: checkedBeforeCancel,
      expiresAt: Date.now() + 3_600_000,
    };
    const late = await roomStub(env, row.video_room_id!).fetch(
      roomSocketRequest({ kind: "signal", holder: lateHolder, closesAt: Date.now() + 3_600_000 }),
    );
    expect(late.status).toBe(403);
    expect(await late.json()).toEqual({ error: "Access to this session has been withdrawn" });
    // And new sockets on the cancelled appointment are refused at the door.
    expect(await openSocket(eventsPath(row), patientToken)).toEqual({
      status: 400,
      body: { error: "This appointment has been cancelled" },
    });
    expect((await openSocket(signalPath(row), patientToken)).status).toBe(400);
  });

  it("a reschedule away ends the session's signalling (4004) and bans the Agora channel until the old room would have closed", async () => {
    const row = await sessionNow("agora");
    const bans = agoraBans();
    const moved = await call(`/api/appointments/${row.id}/`, {
      method: "PATCH",
      as: psychologist,
      body: { appointment_date: new Date(Date.now() + 3 * 86_400_000).toISOString() },
    });
    expect(moved.status).toBe(200);
    expect(bans).toHaveLength(1);
    const oldClose = (row.starts_at + (row.duration_minutes + 30) * 60) * 1000;
    expect(bans[0]!.at + bans[0]!.body.time_in_seconds * 1000).toBeGreaterThanOrEqual(oldClose - 2000);
  });

  it("deactivation: the user's sockets close (4007), Agora bans their uid alone, and every route refuses them (403)", async () => {
    const [clinician, client] = await Promise.all([createUser("psychologist"), createUser("patient")]);
    const webrtc = await sessionNow("webrtc", { psychologist: clinician, patient: client });
    const agora = await sessionNow("agora", { psychologist: clinician, patient: client });
    const later = await createAppointment({ psychologist: clinician, patient: client, startsInMinutes: 600, videoProvider: "twilio" });
    const clientToken = await tokenFor(client);
    const clientSignal = await openSocket(signalPath(webrtc), clientToken);
    const clinicianSignal = await openSocket(signalPath(webrtc), await tokenFor(clinician));
    const clientEvents = await openSocket(eventsPath(agora), clientToken);
    const bans = agoraBans();

    const synced = await callJson(`/api/admin/users/${client.id}/`, {
      method: "PUT",
      as: admin,
      body: { email: client.email, role: "patient", is_active: false },
    });
    expect(synced.status).toBe(200);
    expect((await clientSignal.untilClosed!()).code).toBe(4007);
    expect((await clientEvents.untilClosed!()).code).toBe(4007);
    expect(bans.map((ban) => ban.body)).toEqual([
      {
        appid: env.AGORA_APP_ID,
        cname: agora.video_room_id,
        uid: client.id,
        time_in_seconds: expect.any(Number),
        privileges: ["join_channel"],
      },
    ]);

    const refused = { status: 403, body: { error: "Account is inactive" } };
    const routes: Array<[string, string?]> = [
      [`/api/appointments/video-token/${later.id}/`],
      [`/api/appointments/${later.id}/`],
      ["/api/appointments/"],
      ["/api/appointments/patient/schedule/"],
      [`/api/video-sessions/${webrtc.video_room_id}/`],
      [`/api/v1/video/video-calls/${agora.id}/token/`, "POST"],
      ["/api/v1/video/video-calls/"],
      ["/api/users/me"],
    ];
    for (const [path, method] of routes) expect({ path, ...(await callJson(path, { as: client, method })) }).toEqual({ path, ...refused });
    expect(await openSocket(signalPath(webrtc), clientToken)).toEqual(refused);
    // The other party is untouched.
    expect(clinicianSignal.isOpen!()).toBe(true);
    expect((await callJson(`/api/appointments/${later.id}/`, { as: clinician })).status).toBe(200);
  });

  it("sockets close when their token expires (4006)", async () => {
    const row = await sessionNow("webrtc");
    const now = Math.floor(Date.now() / 1000);
    const shortLived = await tokenFor(patient, { iat: now, exp: now + 2 });
    const [events, signal] = await Promise.all([openSocket(eventsPath(row), shortLived), openSocket(signalPath(row), shortLived)]);
    expect((await events.untilClosed!()).code).toBe(4006);
    expect(await signal.untilClosed!()).toEqual({ code: 4006, reason: "Your sign-in has expired: reconnect to continue" });
  });
});
