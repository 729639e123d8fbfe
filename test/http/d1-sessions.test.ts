import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { call, type TestUser, withBindings } from "../support/api";
import { createAppointment, createUser, isoInMinutes, type UserFixture } from "../support/fixtures";
import { useOutboundStandIn } from "../support/outbound";
import { recordingD1 } from "../support/recording-d1";

// Nothing here may reach a provider: every token is built in the Worker.
useOutboundStandIn();

/** D1's bookmark format (`00000001-00000002-00004e2f-0a83…`), which local D1 shares. */
const bookmarkShape = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;

let psychologist: UserFixture, patient: UserFixture;

beforeAll(async () => {
  [psychologist, patient] = await Promise.all([createUser("psychologist"), createUser("patient")]);
});

type Options = { method?: string; as: TestUser; body?: unknown; bookmark?: string };

/** Calls the Worker over a D1 that records where each request's session started. */
async function recorded(path: string, { bookmark, ...options }: Options) {
  const d1 = recordingD1(env.DB);
  const headers: Record<string, string> = bookmark === undefined ? {} : { "x-d1-bookmark": bookmark };
  const response = await withBindings({ DB: d1.binding }, () => call(path, { ...options, headers }));
  return { response, sessions: d1.sessions, roundTrips: d1.roundTrips, bookmark: response.headers.get("x-d1-bookmark") };
}

/** The routes a worldwide audience reads: tokens, the session page's lookup and refresh, room status, schedules. */
async function worldwideReads() {
  const twilio = await createAppointment({ psychologist, patient, startsInMinutes: 5 });
  const agora = await createAppointment({ psychologist, patient, startsInMinutes: 5, videoProvider: "agora" });
  const calls = `/api/v1/video/video-calls/${agora.id}`;
  return [
    { path: `/api/appointments/video-token/${twilio.id}/` },
    { path: `/api/appointments/video-token-refresh/${twilio.id}/` },
    { path: `${calls}/join/`, method: "POST" },
    { path: `${calls}/token/`, method: "POST" },
    { path: `/api/video-sessions/${twilio.video_room_id}/` },
    { path: `/api/video-sessions/${twilio.video_room_id}/refresh/`, method: "POST" },
    { path: `/api/appointments/video-status/${twilio.id}/` },
    { path: `${calls}/status/` },
    { path: "/api/appointments/patient/schedule/" },
  ];
}

describe("worldwide reads through D1 sessions (x-d1-bookmark)", () => {
  it("serves each worldwide read from any replica when the client has no bookmark, and hands one back", async () => {
    for (const { path, method } of await worldwideReads()) {
      const { response, sessions, bookmark } = await recorded(path, { method, as: patient });
      expect(response.status, path).toBe(200);
      expect(sessions, path).toEqual(["first-unconstrained"]);
      expect(bookmark, path).toMatch(bookmarkShape);
    }
  });

  it("serves each worldwide read at least as fresh as the bookmark the client sent", async () => {
    const { bookmark: sent } = await recorded("/api/appointments/patient/schedule/", { as: patient });
    for (const { path, method } of await worldwideReads()) {
      const { response, sessions, bookmark } = await recorded(path, { method, as: patient, bookmark: sent! });
      expect(response.status, path).toBe(200);
      expect(sessions, path).toEqual([sent]);
      // Bookmarks sort oldest to newest: the answer's is never older than the one sent.
      expect(bookmark! >= sent!, path).toBe(true);
    }
  });

  it("starts a write on the primary, and the client reads its own write with the bookmark it got back", async () => {
    const appointment = await createAppointment({ psychologist, patient, startsInMinutes: 24 * 60 });
    const newStart = isoInMinutes(26 * 60);
    const { bookmark: before } = await recorded("/api/appointments/patient/schedule/", { as: patient });
    // A bookmark sent with a write does not move it off the primary, which is at least as recent as any.
    const write = await recorded(`/api/appointments/${appointment.id}/`, {
      method: "PATCH",
      as: patient,
      body: { appointment_date: newStart },
      bookmark: before!,
    });
    expect(write.response.status).toBe(200);
    expect(write.sessions).toEqual(["first-primary"]);
    expect(write.bookmark! > before!).toBe(true);

    const read = await recorded(`/api/appointments/${appointment.id}/`, { as: patient, bookmark: write.bookmark! });
    expect(read.sessions).toEqual([write.bookmark]);
    expect(read.response.status).toBe(200);
    const body = await read.response.json<{ appointment_date: string }>();
    expect(Date.parse(body.appointment_date)).toBe(Math.floor(Date.parse(newStart) / 1000) * 1000);
  });

  it("refuses a malformed bookmark with a 400 naming the header, before any query", async () => {
    const row = await createAppointment({ psychologist, patient, startsInMinutes: 5 });
    const message = "must be a bookmark this API returned in x-d1-bookmark";
    for (const bookmark of ["first-primary", "not a bookmark", "00000001-0000000z", `${"0".repeat(8)}-${"f".repeat(130)}`]) {
      for (const method of ["GET", "PATCH"]) {
        const { response, roundTrips } = await recorded(`/api/appointments/${row.id}/`, {
          method,
          as: patient,
          bookmark,
          ...(method === "PATCH" ? { body: {} } : {}),
        });
        expect(response.status, bookmark).toBe(400);
        expect(await response.json()).toEqual({ error: `Invalid x-d1-bookmark: ${message}`, details: { "x-d1-bookmark": [message] } });
        expect(roundTrips).toEqual([]);
      }
    }
  });

  it("takes an empty header as no bookmark", async () => {
    const { response, sessions } = await recorded("/api/appointments/patient/schedule/", { as: patient, bookmark: "" });
    expect(response.status).toBe(200);
    expect(sessions).toEqual(["first-unconstrained"]);
  });
});
