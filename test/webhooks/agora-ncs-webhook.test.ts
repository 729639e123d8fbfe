import { env, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { RoomState } from "../../src/rooms/room-state";
import { agoraBody, inChannel } from "../rooms/room-fixtures";
import { tokenFor } from "../support/api";
import { createAppointment, createUser, type UserFixture } from "../support/fixtures";
import { postAgora, roomOf } from "./signed-webhooks";

let psychologist: UserFixture, client: UserFixture;

beforeAll(async () => {
  [psychologist, client] = await Promise.all([createUser("psychologist"), createUser("patient")]);
});

const start = Date.now() - 60_000;
const at = (secondsIn: number) => start + secondsIn * 1000;

async function agoraChannel() {
  const appointment = await createAppointment({ psychologist, patient: client, startsInMinutes: -5, videoProvider: "agora" });
  const channel = appointment.video_room_id!;
  return { appointment, channel, notice: (...args: Parameters<typeof agoraBody>) => inChannel(agoraBody(...args), channel) };
}

const storedState = (roomName: string) => runInDurableObject(roomOf(roomName), (_, state) => state.storage.kv.get<RoomState>("state"));

describe("POST /api/webhooks/agora/ncs", () => {
  it.each(["v2", "v1"] as const)("applies notices signed with Agora-Signature %s, each once", async (version) => {
    const { appointment, channel, notice } = await agoraChannel();
    const join = notice(103, at(1), { uid: 1001, clientSeq: 1 });
    for (const body of [notice(101, at(0)), join]) {
      const response = await postAgora(body, { version });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ delivery: "applied" });
    }
    expect(await (await postAgora(join, { version })).json()).toEqual({ delivery: "duplicate" });
    expect(await storedState(channel)).toMatchObject({
      status: "in-progress",
      participants: [{ key: "1001", status: "connected", lastClientSeq: 1 }],
    });
    const row = await env.DB.prepare("SELECT status, started_at FROM appointments WHERE id = ?").bind(appointment.id).first();
    expect(row).toEqual({ status: "ongoing", started_at: Math.floor(at(1) / 1000) });
  });

  it("refuses a signed notice whose time is no plausible instant, storing nothing, and the room still answers", async () => {
    const { appointment, channel, notice } = await agoraChannel();
    for (const ts of [1e300, -1, 0, 4102444800 + 1]) {
      const body = notice(103, at(1), { uid: 1001, clientSeq: 1 });
      const response = await postAgora({ ...body, payload: { ...body.payload, ts } });
      expect({ ts, status: response.status }).toEqual({ ts, status: 400 });
    }
    expect(await storedState(channel)).toBeUndefined();
    expect((await postAgora(notice(103, at(1), { uid: 1001, clientSeq: 1 }))).status).toBe(200);
    const status = await exports.default.fetch(
      new Request(`http://api.test/api/v1/video/video-calls/${appointment.id}/status/`, {
        headers: { authorization: `Bearer ${await tokenFor(client)}` },
      }),
    );
    expect(status.status).toBe(200);
  });

  describe("rejects what Agora did not sign, with 403 and nothing stored", () => {
    const cases: Array<[string, (body: ReturnType<typeof agoraBody>) => Parameters<typeof postAgora>[1]]> = [
      ["a tampered body", (body) => ({ body: JSON.stringify({ ...body, payload: { ...body.payload, uid: 6666 } }) })],
      ["the same JSON re-serialised with other spacing", (body) => ({ body: JSON.stringify(body, null, 2) })],
      ["another secret", () => ({ secret: "another-ncs-secret" })],
      ["another secret, V1", () => ({ secret: "another-ncs-secret", version: "v1" })],
      ["no signature header", () => ({ signature: null })],
      ["a signature that is not hex", () => ({ signature: "not-hex" })],
    ];
    it.each(cases)("%s", async (_, signWith) => {
      const { channel, notice } = await agoraChannel();
      const body = notice(103, at(1), { uid: 1001, clientSeq: 1 });
      const response = await postAgora(body, signWith(body));
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ error: "Invalid webhook signature" });
      expect(await storedState(channel)).toBeUndefined();
    });
  });

  it("acknowledges and ignores unknown channels and other Agora products", async () => {
    const response = await postAgora(inChannel(agoraBody(103, at(1), { uid: 1, clientSeq: 1 }), "apt-unknown-channel"));
    expect(await response.json()).toEqual({ delivery: "ignored" });
    expect(await storedState("apt-unknown-channel")).toBeUndefined();
    const recording = { noticeId: "rec-1", productId: 3, eventType: 40, notifyMs: at(2), payload: { cname: "apt-any" } };
    expect(await (await postAgora(recording)).json()).toEqual({ delivery: "ignored" });
  });

  it("answers 400 to signed bodies that are not JSON or not an RTC channel event", async () => {
    const { notice } = await agoraChannel();
    expect(await (await postAgora("{not json")).json()).toEqual({ error: "Malformed JSON in request body" });
    const { clientSeq: _clientSeq, ...withoutSequence } = notice(103, at(1), { uid: 1001, clientSeq: 1 }).payload as Record<
      string,
      unknown
    >;
    const response = await postAgora({ ...notice(103, at(1)), payload: withoutSequence });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "Not an Agora RTC channel event" });
  });

  it("refuses bodies over 64 KiB with 413", async () => {
    const { channel, notice } = await agoraChannel();
    const response = await postAgora({ ...notice(103, at(1), { uid: 1001, clientSeq: 1 }), padding: "x".repeat(65 * 1024) });
    expect(response.status).toBe(413);
    expect(await storedState(channel)).toBeUndefined();
  });
});
