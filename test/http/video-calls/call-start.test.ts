import { env } from "cloudflare:test";
import { HttpResponse, http } from "msw";
import { beforeAll, describe, expect, it } from "vitest";
import { agoraBody, inChannel } from "../../rooms/room-fixtures";
import { callJson, withSettings } from "../../support/api";
import { createAppointment, createUser, type UserFixture } from "../../support/fixtures";
import { useOutboundStandIn } from "../../support/outbound";
import { isoOf } from "../../support/time";
import { postAgora } from "../../webhooks/signed-webhooks";
import { readAgoraToken } from "./read-agora-token";

const outbound = useOutboundStandIn();
const calls = "/api/v1/video/video-calls/";

let doctor: UserFixture, patient: UserFixture;

beforeAll(async () => {
  [doctor, patient] = await Promise.all([createUser("psychologist"), createUser("patient")]);
});

const agoraCall = (fields: Partial<Parameters<typeof createAppointment>[0]> = {}) =>
  createAppointment({ psychologist: doctor, patient, startsInMinutes: 5, videoProvider: "agora", ...fields });
const post = (id: number, action: "join" | "end" | "cancel", as: UserFixture) =>
  callJson(`${calls}${id}/${action}/`, { method: "POST", as });
const callOf = async (id: number) => (await callJson(`${calls}${id}/`, { as: doctor })).body;

describe("an Agora call is ongoing from the first participant's NCS join event, not from a join token", () => {
  it("a join token alone leaves the call scheduled, so a call nobody entered can still be cancelled", async () => {
    const call = await agoraCall();
    expect((await post(call.id, "join", doctor)).status).toBe(200);
    expect((await post(call.id, "join", patient)).status).toBe(200);
    expect(await callOf(call.id)).toMatchObject({ status: "scheduled", started_at: null });

    const bans: unknown[] = [];
    outbound.use(
      http.post(`${env.AGORA_API_BASE_URL}/dev/v1/kicking-rule`, async ({ request }) => {
        bans.push(await request.json());
        return HttpResponse.json({ status: "success", id: 1 });
      }),
    );
    const cancelled = await post(call.id, "cancel", patient);
    expect(cancelled).toMatchObject({ status: 200, body: { status: "cancelled" } });
    // The tokens handed out are taken back at Agora with the cancel.
    expect(bans).toHaveLength(1);
  });

  it("the first participant's join event starts the call at its time; it can then be ended, no longer cancelled", async () => {
    const call = await agoraCall();
    expect((await post(call.id, "join", doctor)).status).toBe(200);
    const connectedAt = Date.now() - 10_000;
    const joined = await postAgora(inChannel(agoraBody(103, connectedAt, { uid: doctor.id, clientSeq: 1 }), call.video_room_id!));
    expect(await joined.json()).toEqual({ delivery: "applied" });

    expect(await callOf(call.id)).toMatchObject({ status: "ongoing", started_at: isoOf(Math.floor(connectedAt / 1000)) });
    expect(await post(call.id, "cancel", patient)).toEqual({
      status: 400,
      body: { error: "Only a scheduled call can be cancelled; this call is ongoing" },
    });
    expect(await post(call.id, "end", patient)).toMatchObject({ status: 200, body: { status: "completed" } });
  });

  it("without NCS configured, the first join starts the call, once even when both parties join at the same moment", async () => {
    const call = await agoraCall({ status: "confirmed" });
    const [a, b] = await withSettings({ AGORA_NCS_SECRET: "" }, () =>
      Promise.all([post(call.id, "join", doctor), post(call.id, "join", patient)]),
    );
    expect([a.status, b.status]).toEqual([200, 200]);
    const issued = await Promise.all(
      [a, b].map(async (r) => isoOf((await readAgoraToken(r.body.token, env.AGORA_APP_CERTIFICATE)).issueTs)),
    );
    const started = await callOf(call.id);
    expect(started.status).toBe("ongoing");
    expect(issued).toContain(started.started_at);
    // Joining again keeps the first start.
    await withSettings({ AGORA_NCS_SECRET: "" }, () => post(call.id, "join", doctor));
    expect(await callOf(call.id)).toMatchObject({ status: "ongoing", started_at: started.started_at });
  });
});
