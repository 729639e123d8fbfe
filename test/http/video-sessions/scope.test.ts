import { HttpResponse, http } from "msw";
import { beforeAll, describe, expect, it } from "vitest";
import type { AppointmentRow } from "../../../src/appointments/queries";
import { call, callJson } from "../../support/api";
import { createAppointment, createUser, type UserFixture } from "../../support/fixtures";
import { useOutboundStandIn } from "../../support/outbound";
import { sessionTokenOf } from "./join-key";

const outbound = useOutboundStandIn();
let psychologist: UserFixture, patient: UserFixture;
const denied = { status: 403, body: { error: "Permission denied" } };

beforeAll(async () => {
  psychologist = await createUser("psychologist");
  patient = await createUser("patient");
});

const appointment = (fields: Partial<Parameters<typeof createAppointment>[0]> = {}) =>
  createAppointment({ psychologist, patient, startsInMinutes: 5, ...fields });

/** The patient's session token for `row`, as the page gets it. */
const sessionTokenFor = (row: AppointmentRow) => sessionTokenOf(row, patient.id);

describe("a session token from a redeemed join link", () => {
  it("opens its own Twilio session's routes", async () => {
    const row = await appointment();
    const token = await sessionTokenFor(row);
    outbound.use(
      http.post("https://video.twilio.stand-in/v1/Rooms", () =>
        HttpResponse.json({ sid: "RM0001", unique_name: row.video_room_id, status: "in-progress" }, { status: 201 }),
      ),
    );
    const opened: [string, string, number][] = [
      ["GET", `/api/video-sessions/${row.video_room_id}/`, 200],
      ["POST", `/api/video-sessions/${row.video_room_id}/refresh/`, 200],
      ["GET", `/api/appointments/video-token/${row.id}/`, 200],
      ["GET", `/api/appointments/video-token-refresh/${row.id}/`, 200],
      ["GET", `/api/appointments/video-status/${row.id}/`, 200],
      ["POST", `/api/appointments/video-room/${row.id}/`, 201],
      // Past authentication and scope: only the missing WebSocket upgrade is refused.
      ["GET", `/api/appointments/video-events/${row.id}/`, 426],
    ];
    for (const [method, path, status] of opened) {
      expect([method, path, (await call(path, { method, token })).status]).toEqual([method, path, status]);
    }
  });

  it("opens its own Agora session's routes in the video-calls API", async () => {
    const row = await appointment({ videoProvider: "agora" });
    const token = await sessionTokenFor(row);
    const base = `/api/v1/video/video-calls/${row.id}`;
    for (const [method, path] of [
      ["POST", `${base}/join/`],
      ["POST", `${base}/token/`],
      ["GET", `${base}/status/`],
    ] as const) {
      expect([method, path, (await call(path, { method, token })).status]).toEqual([method, path, 200]);
    }
  });

  it("is refused everywhere else, even where the same user's platform JWT goes", async () => {
    const row = await appointment({ videoProvider: "agora" });
    const token = await sessionTokenFor(row);
    const elsewhere: [string, string][] = [
      ["GET", "/api/users/me"],
      ["GET", "/api/appointments/"],
      ["POST", "/api/appointments/"],
      ["GET", `/api/appointments/${row.id}/`],
      ["PATCH", `/api/appointments/${row.id}/`],
      ["GET", "/api/appointments/patient/schedule/"],
      ["GET", "/api/v1/video/video-calls/"],
      ["GET", `/api/v1/video/video-calls/${row.id}/`],
      ["POST", `/api/v1/video/video-calls/${row.id}/end/`],
      ["POST", `/api/v1/video/video-calls/${row.id}/cancel/`],
      ["GET", "/api/admin/outbox"],
      // Its own routes with another method, or without the trailing slash.
      ["DELETE", `/api/video-sessions/${row.video_room_id}/`],
      ["GET", `/api/v1/video/video-calls/${row.id}/join/`],
      ["GET", `/api/video-sessions/${row.video_room_id}`],
    ];
    for (const [method, path] of elsewhere) {
      expect([method, path, await callJson(path, { method, token, body: method === "GET" ? undefined : {} })]).toEqual([
        method,
        path,
        denied,
      ]);
    }
    expect((await call("/api/users/me", { as: patient })).status).toBe(200);
    expect((await call(`/api/appointments/${row.id}/`, { as: patient })).status).toBe(200);
  });

  it("does not open another session of the same party, by room name or by id", async () => {
    const row = await appointment();
    const other = await appointment({ startsInMinutes: 10 });
    const agora = await appointment({ videoProvider: "agora" });
    const token = await sessionTokenFor(row);
    const others: [string, string][] = [
      ["GET", `/api/video-sessions/${other.video_room_id}/`],
      ["POST", `/api/video-sessions/${other.video_room_id}/refresh/`],
      ["GET", `/api/appointments/video-token/${other.id}/`],
      ["GET", `/api/appointments/video-token-refresh/${other.id}/`],
      ["GET", `/api/appointments/video-status/${other.id}/`],
      ["GET", `/api/appointments/video-events/${other.id}/`],
      ["POST", `/api/appointments/video-room/${other.id}/`],
      ["POST", `/api/v1/video/video-calls/${agora.id}/join/`],
      ["POST", `/api/v1/video/video-calls/${agora.id}/token/`],
      ["GET", `/api/v1/video/video-calls/${agora.id}/status/`],
    ];
    for (const [method, path] of others) {
      expect([method, path, await callJson(path, { method, token })]).toEqual([method, path, denied]);
    }
    // The party's own JWT still reaches them: the refusal is the token's scope, not the session.
    expect((await call(`/api/video-sessions/${other.video_room_id}/`, { as: patient })).status).toBe(200);
  });

  it("is refused once changed: an expiry pushed back is not what was signed", async () => {
    const row = await appointment();
    const token = await sessionTokenFor(row);
    const [header, , signature] = token.split(".");
    const payload = JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/")));
    // A token whose expiry was pushed back is no longer ours.
    const stretched = btoa(JSON.stringify({ ...payload, exp: payload.exp + 86_400 }))
      .replace(/=+$/, "")
      .replace(/\+/g, "-")
      .replace(/\//g, "_");
    expect(await callJson(`/api/video-sessions/${row.video_room_id}/`, { token: `${header}.${stretched}.${signature}` })).toEqual({
      status: 401,
      body: { error: "Invalid token: bad signature" },
    });
  });
});
