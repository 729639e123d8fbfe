import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, origin, tokenFor } from "../support/api";
import { createAppointment, createUser, type UserFixture } from "../support/fixtures";

let psychologist: UserFixture, patient: UserFixture;
beforeAll(async () => {
  [psychologist, patient] = await Promise.all([createUser("psychologist"), createUser("patient")]);
});

/** A client address of its own per test, as Cloudflare's edge reports it: counters never leak between tests. */
let nextAddress = 1;
const freshIp = () => `198.51.100.${nextAddress++}`;

/**
 * The local limiter counts in windows aligned to the clock's minute: a flood that crossed a
 * window's edge would be counted as two half floods and never refused. So a flood starts only
 * within the first 50 s of a window, leaving it 10 s, several times what the largest one takes.
 */
async function awayFromWindowEdge(): Promise<void> {
  const intoWindow = Date.now() % 60_000;
  if (intoWindow > 50_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoWindow + 100));
}

/** Sends `count` requests, `inFlight` at a time, and returns their statuses in order. */
async function statuses(count: number, send: () => Promise<Response>, inFlight = 50): Promise<number[]> {
  await awayFromWindowEdge();
  const result: number[] = [];
  for (let sent = 0; sent < count; sent += inFlight) {
    const batch = await Promise.all(Array.from({ length: Math.min(inFlight, count - sent) }, send));
    for (const response of batch) {
      result.push(response.status);
      await response.body?.cancel();
    }
  }
  return result;
}

async function expectTooMany(response: Response) {
  expect(response.status).toBe(429);
  expect(response.headers.get("retry-after")).toBe("60");
  expect(await response.json()).toEqual({ error: "Too many requests: slow down and try again shortly" });
}

describe("rate limits", () => {
  it("a flood of token requests from one user is cut off at 60 a minute, and another user is not slowed", async () => {
    const row = await createAppointment({ psychologist, patient, startsInMinutes: 5, videoProvider: "webrtc" });
    const token = await tokenFor(patient);
    const path = `/api/video-sessions/${row.video_room_id}/`;
    const seen = await statuses(70, () => call(path, { token }));
    expect(seen.filter((status) => status === 200)).toHaveLength(60);
    expect(seen.filter((status) => status === 429)).toHaveLength(10);
    await expectTooMany(await call(path, { token }));
    // The same user's other routes that mint credentials share the budget; the other party has their own.
    await expectTooMany(await call(`/api/video-sessions/${row.video_room_id}/refresh/`, { method: "POST", token }));
    expect((await call(path, { as: psychologist })).status).toBe(200);
    // Reads that mint nothing are not counted.
    expect((await call(`/api/appointments/${row.id}/`, { token })).status).toBe(200);
  }, 60_000);

  it("unsigned webhook floods from one address are refused before any signature work", async () => {
    const ip = freshIp();
    const post = () =>
      exports.default.fetch(
        new Request(`${origin}/api/webhooks/twilio/video`, {
          method: "POST",
          headers: { "cf-connecting-ip": ip, "content-type": "application/x-www-form-urlencoded" },
          body: "RoomName=x&StatusCallbackEvent=room-created",
        }),
      );
    const seen = await statuses(610, post, 100);
    expect(seen.filter((status) => status === 403)).toHaveLength(600);
    expect(seen.filter((status) => status === 429)).toHaveLength(10);
    await expectTooMany(await post());
  }, 60_000);

  it("requests without valid credentials are counted per address: 120 a minute, then 429", async () => {
    const ip = freshIp();
    const anonymous = () => call("/api/appointments/", { headers: { "cf-connecting-ip": ip, authorization: "Bearer not-a-jwt" } });
    const seen = await statuses(125, anonymous);
    expect(seen.filter((status) => status === 401)).toHaveLength(120);
    expect(seen.filter((status) => status === 429)).toHaveLength(5);
    // Someone signed in from the same address is not refused.
    expect((await call("/api/appointments/", { as: patient, headers: { "cf-connecting-ip": ip } })).status).toBe(200);
  }, 60_000);

  it("one user may keep at most 4 live-event sockets open on a session", async () => {
    const [clinician, client] = await Promise.all([createUser("psychologist"), createUser("patient")]);
    const row = await createAppointment({ psychologist: clinician, patient: client, startsInMinutes: 5 });
    const token = await tokenFor(client);
    const open = () =>
      exports.default.fetch(
        new Request(`${origin}/api/appointments/video-events/${row.id}/`, {
          headers: { upgrade: "websocket", "sec-websocket-protocol": `bearer, ${token}` },
        }),
      );
    const sockets: WebSocket[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await open();
      expect(response.status).toBe(101);
      response.webSocket!.accept();
      sockets.push(response.webSocket!);
    }
    const fifth = await open();
    expect(fifth.status).toBe(429);
    expect(await fifth.json()).toEqual({ error: "At most 4 live connections per person to one session: close another tab first" });
    for (const socket of sockets) socket.close(1000, "done");
  });
});
