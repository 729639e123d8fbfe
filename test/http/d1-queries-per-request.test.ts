import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { call, callJson, type TestUser, withBindings } from "../support/api";
import { createAppointment, createUser, type UserFixture } from "../support/fixtures";
import { useOutboundStandIn } from "../support/outbound";
import { recordingD1 } from "../support/recording-d1";

// Nothing here may reach a provider: every token is built in the Worker.
useOutboundStandIn();

let psychologist: UserFixture, patient: UserFixture;

beforeAll(async () => {
  [psychologist, patient] = await Promise.all([createUser("psychologist"), createUser("patient")]);
});

/**
 * The D1 round trips one request makes on its way to the answer, each as its statements' SQL (a
 * batch is one round trip). The audit row is left out: it is written after the answer (`waitUntil`),
 * shared with other requests' rows, and its cost is the audit trail's, not the route's. The room
 * object's own reads are its own binding's, not counted here.
 */
async function roundTripsOf(path: string, as: TestUser, options: { method?: string; settings?: Partial<Env> } = {}) {
  const d1 = recordingD1(env.DB);
  const response = await withBindings({ ...options.settings, DB: d1.binding }, () => call(path, { method: options.method, as }));
  expect(response.status, path).toBe(200);
  console.log("TRIPS", path, JSON.stringify(d1.roundTrips.map((t) => t.map((s) => s.replace(/\s+/g, " ").slice(0, 60)))));
  return d1.roundTrips.filter((statements) => !statements.every((sql) => sql.includes("INSERT INTO audit_events")));
}

describe("D1 round trips per request", () => {
  it("issues a Twilio token or its refresh in exactly one: the appointment and the caller's standing together", async () => {
    const row = await createAppointment({ psychologist, patient, startsInMinutes: 5 });
    for (const path of [`/api/appointments/video-token/${row.id}/`, `/api/appointments/video-token-refresh/${row.id}/`]) {
      expect(await roundTripsOf(path, patient), path).toHaveLength(1);
    }
  });

  it("issues an Agora token in one, and a first join without NCS adds only the call's start", async () => {
    const call = await createAppointment({ psychologist, patient, startsInMinutes: 5, videoProvider: "agora" });
    const calls = `/api/v1/video/video-calls/${call.id}`;
    expect(await roundTripsOf(`${calls}/join/`, patient, { method: "POST" })).toHaveLength(1);
    expect(await roundTripsOf(`${calls}/token/`, patient, { method: "POST" })).toHaveLength(1);

    const unstarted = await createAppointment({ psychologist, patient, startsInMinutes: 5, videoProvider: "agora" });
    const withoutNcs = await roundTripsOf(`/api/v1/video/video-calls/${unstarted.id}/join/`, patient, {
      method: "POST",
      settings: { AGORA_NCS_SECRET: "" },
    });
    expect(withoutNcs).toHaveLength(2);
    expect(withoutNcs[1]?.[0]).toMatch(/^UPDATE appointments/);
  });

  it("looks a session up by its room name, or refreshes its connection, in one", async () => {
    const row = await createAppointment({ psychologist, patient, startsInMinutes: 5 });
    expect(await roundTripsOf(`/api/video-sessions/${row.video_room_id}/`, patient)).toHaveLength(1);
    expect(await roundTripsOf(`/api/video-sessions/${row.video_room_id}/refresh/`, patient, { method: "POST" })).toHaveLength(1);
  });

  it("answers a room's status in one", async () => {
    const twilio = await createAppointment({ psychologist, patient, startsInMinutes: 5 });
    const agora = await createAppointment({ psychologist, patient, startsInMinutes: 5, videoProvider: "agora" });
    expect(await roundTripsOf(`/api/appointments/video-status/${twilio.id}/`, patient)).toHaveLength(1);
    expect(await roundTripsOf(`/api/v1/video/video-calls/${agora.id}/status/`, patient)).toHaveLength(1);
  });

  it.each(["psychologist", "patient"] as const)(
    "reads a %s's schedule page in the same two however many appointments it holds",
    async (role) => {
      const [own, other] = await Promise.all([createUser("psychologist"), createUser("patient")]);
      const path = `/api/appointments/${role}/schedule/?page_size=50`;
      const caller = role === "psychologist" ? own : other;
      await createAppointment({ psychologist: own, patient: other, startsInMinutes: 60 });
      const withOne = await roundTripsOf(path, caller);
      for (let i = 1; i < 20; i++) await createAppointment({ psychologist: own, patient: other, startsInMinutes: 60 + i * 60 });
      const withTwenty = await roundTripsOf(path, caller);
      expect((await callJson(path, { as: caller })).body.results).toHaveLength(20);
      // The caller's profile (time zone, standing), then the page and its count in one batch.
      expect(withOne).toHaveLength(2);
      expect(withTwenty).toEqual(withOne);
    },
  );
});
