import { HttpResponse, http } from "msw";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { AppointmentRow } from "../../../src/appointments/queries";
import { callJson, withSettings } from "../../support/api";
import { createAppointment, createUser, type UserFixture } from "../../support/fixtures";
import { useOutboundStandIn } from "../../support/outbound";
import { isoOf } from "../../support/time";

const outbound = useOutboundStandIn();
let psychologist: UserFixture, patient: UserFixture;
beforeAll(async () => {
  [psychologist, patient] = await Promise.all([createUser("psychologist"), createUser("patient")]);
});

const webrtcSession = () => createAppointment({ psychologist, patient, startsInMinutes: 5, videoProvider: "webrtc" });
const sessionOf = (row: AppointmentRow, as: UserFixture) => callJson(`/api/video-sessions/${row.video_room_id}/`, { as });
const closesAt = (row: AppointmentRow) => row.starts_at + 80 * 60;

const turnSettings = { TURN_KEY_ID: "turn-key-1", TURN_KEY_API_TOKEN: "turn-api-token", TURN_API_BASE_URL: "https://turn.stand-in" };
const turnUrl = "https://turn.stand-in/v1/turn/keys/turn-key-1/credentials/generate-ice-servers";
const generated = {
  iceServers: [
    { urls: ["stun:stun.cloudflare.com:3478", "stun:stun.cloudflare.com:53"] },
    {
      urls: ["turn:turn.cloudflare.com:3478?transport=udp", "turns:turn.cloudflare.com:443?transport=tcp"],
      username: "u-1",
      credential: "c-1",
    },
  ],
};

let warnings: string[] = [];
beforeEach(() => {
  warnings = [];
  vi.spyOn(console, "warn").mockImplementation((...args: unknown[]) => {
    warnings.push(args.map(String).join(" "));
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe("a built-in (webrtc) session's connection", () => {
  it("is where to signal and STUN, polite for the patient, lasting until the room closes, with no TURN key", async () => {
    const row = await webrtcSession();
    const forPatient = await sessionOf(row, patient);
    expect(forPatient.status).toBe(200);
    expect(forPatient.body.provider).toBe("webrtc");
    expect(forPatient.body.connection).toEqual({
      provider: "webrtc",
      room_name: row.video_room_id,
      identity: String(patient.id),
      polite: true,
      ice_servers: [{ urls: "stun:stun.cloudflare.com:3478" }],
      signalling_path: `/api/video-sessions/${row.video_room_id}/signal/`,
      expires_at: isoOf(closesAt(row)),
    });
    const forClinician = await sessionOf(row, psychologist);
    expect(forClinician.body.connection).toMatchObject({ identity: String(psychologist.id), polite: false });
    expect(warnings).toEqual([]);
  });

  it("carries short-lived TURN credentials that last until the room closes, when a TURN key is set", async () => {
    const row = await webrtcSession();
    const asked: Array<{ authorization: string | null; contentType: string | null; body: unknown }> = [];
    outbound.use(
      http.post(turnUrl, async ({ request }) => {
        asked.push({
          authorization: request.headers.get("authorization"),
          contentType: request.headers.get("content-type"),
          body: await request.json(),
        });
        return HttpResponse.json(generated, { status: 201 });
      }),
    );
    const { status, body } = await withSettings(turnSettings, () => sessionOf(row, patient));
    expect(status).toBe(200);
    expect(body.connection.ice_servers).toEqual(generated.iceServers);
    expect(asked).toHaveLength(1);
    expect(asked[0]!.authorization).toBe("Bearer turn-api-token");
    expect(asked[0]!.contentType).toBe("application/json");
    const ttl = (asked[0]!.body as { ttl: number }).ttl;
    expect(Math.abs(ttl - (closesAt(row) - Date.now() / 1000))).toBeLessThan(5);
    expect(Object.keys(asked[0]!.body as object)).toEqual(["ttl"]);

    const refreshed = await withSettings(turnSettings, () =>
      callJson(`/api/video-sessions/${row.video_room_id}/refresh/`, { method: "POST", as: patient }),
    );
    expect(refreshed.body.connection.ice_servers).toEqual(generated.iceServers);
  });

  it("rides out a TURN hiccup: a 503 is tried again and the session still gets TURN", async () => {
    const row = await webrtcSession();
    let calls = 0;
    outbound.use(
      http.post(turnUrl, () =>
        calls++ === 0
          ? HttpResponse.json({ errors: [{ message: "unavailable" }] }, { status: 503 })
          : HttpResponse.json(generated, { status: 201 }),
      ),
    );
    const { status, body } = await withSettings(turnSettings, () => sessionOf(row, patient));
    expect(status).toBe(200);
    expect(body.connection.ice_servers).toEqual(generated.iceServers);
    expect(calls).toBe(2);
  });

  it("falls back to STUN with a warning, never a 500, when TURN is down, answers nonsense, or its key is half set", async () => {
    const row = await webrtcSession();
    const failures = [
      { answer: () => HttpResponse.json({ errors: [{ message: "unavailable" }] }, { status: 503 }), reason: "turn 503" },
      { answer: () => HttpResponse.json({ iceServers: "no" }, { status: 201 }), reason: "turn unreadable_response" },
      { answer: () => HttpResponse.error(), reason: "turn network_error" },
    ];
    for (const { answer, reason } of failures) {
      // Down for good: each of the bounded retries gets the same answer.
      outbound.use(http.post(turnUrl, answer));
      const { status, body } = await withSettings(turnSettings, () => sessionOf(row, patient));
      outbound.resetHandlers();
      expect(status).toBe(200);
      expect(body.connection.ice_servers).toEqual([{ urls: "stun:stun.cloudflare.com:3478" }]);
      expect(warnings.at(-1)).toBe(JSON.stringify({ event: "turn_unavailable", reason }));
    }
    const halfSet = await withSettings({ TURN_KEY_ID: "turn-key-1" }, () => sessionOf(row, patient));
    expect(halfSet.body.connection.ice_servers).toEqual([{ urls: "stun:stun.cloudflare.com:3478" }]);
    expect(warnings.at(-1)).toBe(
      JSON.stringify({ event: "turn_unavailable", reason: "settings_missing", missing: ["TURN_KEY_API_TOKEN"] }),
    );
    // No credential ever reaches a log line.
    for (const line of warnings) expect(line).not.toContain("turn-api-token");
  });

  it("is refused by the Twilio and Agora endpoints, which point at the video sessions API", async () => {
    const row = await webrtcSession();
    const pointer = {
      error: `This appointment uses the built-in video: use the video sessions API, /api/video-sessions/${row.video_room_id}/`,
    };
    expect(await callJson(`/api/appointments/video-token/${row.id}/`, { as: patient })).toEqual({ status: 400, body: pointer });
    expect(await callJson(`/api/v1/video/video-calls/${row.id}/join/`, { method: "POST", as: patient })).toEqual({
      status: 400,
      body: pointer,
    });
  });

  it("can be booked through the API, and is what a deployment without a vendor account books", async () => {
    const appointment_date = new Date(Date.now() + 3 * 24 * 3600_000).toISOString();
    const chosen = await callJson("/api/appointments/", {
      method: "POST",
      as: psychologist,
      body: { patient_id: patient.id, appointment_date, duration_minutes: 50, session_type: "telehealth", video_provider: "webrtc" },
    });
    expect(chosen.status).toBe(201);
    expect(chosen.body.video_provider).toBe("webrtc");
    const later = new Date(Date.now() + 4 * 24 * 3600_000).toISOString();
    const byDefault = await withSettings(
      { DEFAULT_VIDEO_PROVIDER: "", TWILIO_ACCOUNT_SID: "", TWILIO_API_KEY_SID: "", TWILIO_API_KEY_SECRET: "", AGORA_APP_ID: "" },
      () =>
        callJson("/api/appointments/", {
          method: "POST",
          as: psychologist,
          body: { patient_id: patient.id, appointment_date: later, duration_minutes: 50, session_type: "telehealth" },
        }),
    );
    expect(byDefault.status).toBe(201);
    expect(byDefault.body.video_provider).toBe("webrtc");
  });
});
