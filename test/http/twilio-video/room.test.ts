import { env } from "cloudflare:test";
import { delay, HttpResponse, http } from "msw";
import { beforeAll, describe, expect, it } from "vitest";
import { callJson, withSettings } from "../../support/api";
import { createAppointment, createUser, type UserFixture } from "../../support/fixtures";
import { sentForm, useOutboundStandIn } from "../../support/outbound";

const outbound = useOutboundStandIn();
const rooms = "https://video.twilio.stand-in/v1/Rooms";
const roomPath = (id: number) => `/api/appointments/video-room/${id}/`;

let psychologist: UserFixture, patient: UserFixture, stranger: UserFixture;
const admin = { id: 1, email: "admin@example.com", role: "admin" as const };

beforeAll(async () => {
  [psychologist, patient, stranger] = await Promise.all([createUser("psychologist"), createUser("patient"), createUser("psychologist")]);
});

const appointment = (fields: Partial<Parameters<typeof createAppointment>[0]> = {}) =>
  createAppointment({ psychologist, patient, startsInMinutes: 10, ...fields });

type Sent = { authorization: string | null; contentType: string | null; form: Record<string, string> };

/** The Rooms API stand-in: records what we POST and answers as Twilio would. */
function roomsApi(answer: (form: URLSearchParams) => Response) {
  const sent: Sent[] = [];
  outbound.use(
    http.post(rooms, async ({ request }) => {
      const form = await sentForm(request);
      sent.push({
        authorization: request.headers.get("authorization"),
        contentType: request.headers.get("content-type"),
        form: Object.fromEntries(form),
      });
      return answer(form);
    }),
  );
  return sent;
}

const basicAuth = `Basic ${btoa(`${env.TWILIO_API_KEY_SID}:${env.TWILIO_API_KEY_SECRET}`)}`;

describe("POST /api/appointments/video-room/<id>/", () => {
  it("creates a two-person group room with the API key, our timeouts and the status callback", async () => {
    const row = await appointment({ durationMinutes: 20 });
    const sent = roomsApi((form) =>
      HttpResponse.json({ sid: "RM0001", unique_name: form.get("UniqueName"), status: "in-progress" }, { status: 201 }),
    );

    const { status, body } = await callJson(roomPath(row.id), { method: "POST", as: psychologist });

    expect(status).toBe(201);
    expect(body).toEqual({
      message: "Video room created",
      room_name: row.video_room_id,
      room_sid: "RM0001",
      meeting_url: `https://practice.example.com/video-session/${row.video_room_id}`,
    });
    expect(sent).toEqual([
      {
        authorization: basicAuth,
        contentType: expect.stringMatching(/^application\/x-www-form-urlencoded/),
        form: {
          UniqueName: row.video_room_id,
          Type: "group",
          MaxParticipants: "2",
          EmptyRoomTimeout: "15",
          UnusedRoomTimeout: "50",
          StatusCallback: "https://video-edge.example.com/api/webhooks/twilio/video",
          StatusCallbackMethod: "POST",
        },
      },
    ]);
  });

  it("caps the unused-room timeout at Twilio's 60 minutes", async () => {
    const row = await appointment({ durationMinutes: 50 });
    const sent = roomsApi((form) =>
      HttpResponse.json({ sid: "RM0002", unique_name: form.get("UniqueName"), status: "in-progress" }, { status: 201 }),
    );
    expect((await callJson(roomPath(row.id), { method: "POST", as: patient })).status).toBe(201);
    expect(sent[0]?.form.UnusedRoomTimeout).toBe("60");
  });

  it("returns the existing room when Twilio already has it (53113), on every call after the first", async () => {
    const row = await appointment();
    let created = false;
    const sent = roomsApi((form) => {
      if (created) return HttpResponse.json({ code: 53113, message: "Room exists", status: 400 }, { status: 400 });
      created = true;
      return HttpResponse.json({ sid: "RM0003", unique_name: form.get("UniqueName"), status: "in-progress" }, { status: 201 });
    });
    const fetched: string[] = [];
    outbound.use(
      http.get(`${rooms}/:name`, ({ params, request }) => {
        fetched.push(`${params.name} ${request.headers.get("authorization")}`);
        return HttpResponse.json({ sid: "RM0003", unique_name: params.name, status: "in-progress" });
      }),
    );

    const first = await callJson(roomPath(row.id), { method: "POST", as: psychologist });
    const again = await callJson(roomPath(row.id), { method: "POST", as: patient });

    expect(first.status).toBe(201);
    expect(again).toEqual({
      status: 200,
      body: { message: "Video room already exists", room_name: row.video_room_id, room_sid: "RM0003", meeting_url: first.body.meeting_url },
    });
    expect(sent).toHaveLength(2);
    expect(fetched).toEqual([`${row.video_room_id} ${basicAuth}`]);
  });

  it("maps Twilio's errors to 502 with Twilio's code", async () => {
    const row = await appointment();
    roomsApi(() => HttpResponse.json({ code: 20500, message: "Internal Server Error", status: 500 }, { status: 500 }));
    expect(await callJson(roomPath(row.id), { method: "POST", as: psychologist })).toEqual({
      status: 502,
      body: { error: "Twilio error 20500: Internal Server Error" },
    });
    outbound.resetHandlers();
    roomsApi(() => HttpResponse.json({ code: 20003, message: "Authenticate", status: 401 }, { status: 401 }));
    expect(await callJson(roomPath(row.id), { method: "POST", as: psychologist })).toEqual({
      status: 502,
      body: { error: "Twilio error 20003: Authenticate" },
    });
  });

  it("maps an unreachable Twilio, or an answer that is not a room, to 502 rather than a 500", async () => {
    const row = await appointment();
    outbound.use(http.post(rooms, () => HttpResponse.error()));
    expect(await callJson(roomPath(row.id), { method: "POST", as: psychologist })).toEqual({
      status: 502,
      body: { error: "Twilio error: Twilio could not be reached" },
    });
    outbound.resetHandlers();
    roomsApi(() => HttpResponse.text("<html>gateway</html>", { status: 201 }));
    expect(await callJson(roomPath(row.id), { method: "POST", as: psychologist })).toEqual({
      status: 502,
      body: { error: "Twilio error: unexpected response" },
    });
    outbound.resetHandlers();
    roomsApi(() => HttpResponse.json({ sid: "RM0005" }, { status: 201 }));
    expect(await callJson(roomPath(row.id), { method: "POST", as: psychologist })).toEqual({
      status: 502,
      body: { error: "Twilio error: unexpected response" },
    });
  });

  it("takes the room size from TWILIO_ROOM_MAX_PARTICIPANTS, 2 when unset, and refuses a nonsensical one", async () => {
    const row = await appointment();
    const sent = roomsApi((form) =>
      HttpResponse.json({ sid: "RM0004", unique_name: form.get("UniqueName"), status: "in-progress" }, { status: 201 }),
    );
    await withSettings({ TWILIO_ROOM_MAX_PARTICIPANTS: "3" }, () => callJson(roomPath(row.id), { method: "POST", as: psychologist }));
    await withSettings({ TWILIO_ROOM_MAX_PARTICIPANTS: "" }, () => callJson(roomPath(row.id), { method: "POST", as: psychologist }));
    expect(sent.map((request) => request.form.MaxParticipants)).toEqual(["3", "2"]);
    const invalid = await withSettings({ TWILIO_ROOM_MAX_PARTICIPANTS: "1" }, () =>
      callJson(roomPath(row.id), { method: "POST", as: psychologist }),
    );
    expect(invalid).toEqual({
      status: 500,
      body: { error: "Failed to create video room: TWILIO_ROOM_MAX_PARTICIPANTS must be a whole number from 2 to 50" },
    });
    expect(sent).toHaveLength(2);
  });

  it("asks Twilio nothing for callers who may not enter or rooms that are shut", async () => {
    // No handler: any request to Twilio would fail the test.
    const row = await appointment();
    expect(await callJson(roomPath(row.id), { method: "POST", as: admin })).toEqual({ status: 403, body: { error: "Permission denied" } });
    expect(await callJson(roomPath(row.id), { method: "POST", as: stranger })).toEqual({
      status: 404,
      body: { error: "Appointment not found" },
    });
    expect(await callJson(roomPath(999_999), { method: "POST", as: patient })).toEqual({
      status: 404,
      body: { error: "Appointment not found" },
    });
    const cancelled = await appointment({ status: "cancelled" });
    expect(await callJson(roomPath(cancelled.id), { method: "POST", as: patient })).toEqual({
      status: 400,
      body: { error: "This appointment has been cancelled" },
    });
    const early = await appointment({ startsInMinutes: 60 * 24 });
    expect((await callJson(roomPath(early.id), { method: "POST", as: patient })).body.error).toMatch(
      /^This appointment has not started yet: its video room opens at /,
    );
    const roomless = await appointment({ sessionType: "in_person" });
    expect(await callJson(roomPath(roomless.id), { method: "POST", as: patient })).toEqual({
      status: 404,
      body: { error: "No video room found for this appointment" },
    });
    const agora = await appointment({ videoProvider: "agora" });
    expect(await callJson(roomPath(agora.id), { method: "POST", as: psychologist })).toEqual({
      status: 400,
      body: { error: `This appointment uses Agora video: use the video-calls API, /api/v1/video/video-calls/${agora.id}/join/` },
    });
    const unconfigured = await withSettings({ TWILIO_API_KEY_SECRET: "" }, () =>
      callJson(roomPath(row.id), { method: "POST", as: patient }),
    );
    expect(unconfigured).toEqual({ status: 500, body: { error: "Failed to create video room: TWILIO_API_KEY_SECRET is not set" } });
  });
});

describe("POST /api/appointments/video-room/<id>/ while Twilio is having an outage", () => {
  const created = (form: URLSearchParams) =>
    HttpResponse.json({ sid: "RM0006", unique_name: form.get("UniqueName"), status: "in-progress" }, { status: 201 });

  it("rides out a passing 503: the create is sent again and the caller gets the room", async () => {
    const row = await appointment();
    const sent = roomsApi((form) =>
      sent.length === 1 ? HttpResponse.json({ code: 20503, message: "Service Unavailable" }, { status: 503 }) : created(form),
    );
    const { status, body } = await callJson(roomPath(row.id), { method: "POST", as: psychologist });
    expect(status).toBe(201);
    expect(body.room_sid).toBe("RM0006");
    expect(sent).toHaveLength(2);
    expect(sent[1]).toEqual(sent[0]);
  });

  it("answers 502 with Twilio's code after three calls when Twilio keeps failing", async () => {
    const row = await appointment();
    const sent = roomsApi(() => HttpResponse.json({ code: 20500, message: "Internal Server Error" }, { status: 500 }));
    expect(await callJson(roomPath(row.id), { method: "POST", as: psychologist })).toEqual({
      status: 502,
      body: { error: "Twilio error 20500: Internal Server Error" },
    });
    expect(sent).toHaveLength(3);
  });

  it("gives up on a Twilio that does not answer within PROVIDER_TIMEOUT_MS, tries again, and answers 502 when it never does", async () => {
    const row = await appointment();
    let calls = 0;
    outbound.use(
      http.post(rooms, async () => {
        calls++;
        await delay(5_000);
        return HttpResponse.json({ code: 20504, message: "late" }, { status: 504 });
      }),
    );
    const answer = await withSettings({ PROVIDER_TIMEOUT_MS: "100" }, () =>
      callJson(roomPath(row.id), { method: "POST", as: psychologist }),
    );
    expect(answer).toEqual({ status: 502, body: { error: "Twilio error: Twilio could not be reached" } });
    expect(calls).toBe(3);

    // A create that timed out may have made the room: the next try finds it (53113) and fetches it.
    outbound.resetHandlers();
    calls = 0;
    outbound.use(
      http.post(rooms, async () => {
        if (calls++ === 0) await delay(5_000);
        return HttpResponse.json({ code: 53113, message: "Room exists", status: 400 }, { status: 400 });
      }),
      http.get(`${rooms}/:name`, ({ params }) => HttpResponse.json({ sid: "RM0007", unique_name: params.name, status: "in-progress" })),
    );
    const retried = await withSettings({ PROVIDER_TIMEOUT_MS: "100" }, () =>
      callJson(roomPath(row.id), { method: "POST", as: psychologist }),
    );
    expect(retried).toMatchObject({ status: 200, body: { message: "Video room already exists", room_sid: "RM0007" } });
    expect(calls).toBe(2);
  });

  it("waits out a 429's short Retry-After, and answers 502 at once when Twilio asks for longer than a request may wait", async () => {
    const row = await appointment();
    const sent = roomsApi((form) =>
      sent.length === 1
        ? HttpResponse.json({ code: 20429, message: "Too Many Requests" }, { status: 429, headers: { "Retry-After": "1" } })
        : created(form),
    );
    expect((await callJson(roomPath(row.id), { method: "POST", as: patient })).status).toBe(201);
    expect(sent).toHaveLength(2);

    outbound.resetHandlers();
    const throttled = roomsApi(() =>
      HttpResponse.json({ code: 20429, message: "Too Many Requests" }, { status: 429, headers: { "Retry-After": "120" } }),
    );
    expect(await callJson(roomPath(row.id), { method: "POST", as: patient })).toEqual({
      status: 502,
      body: { error: "Twilio error 20429: Too Many Requests" },
    });
    expect(throttled).toHaveLength(1);
  });
});
