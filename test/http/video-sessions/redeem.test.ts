import { env } from "cloudflare:test";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { AppointmentRow } from "../../../src/appointments/queries";
import { callJson, withSettings } from "../../support/api";
import { createAppointment, createUser, type UserFixture } from "../../support/fixtures";
import { isoOf } from "../../support/time";
import { joinKeyOf } from "./join-key";

let psychologist: UserFixture, patient: UserFixture, stranger: UserFixture;
const redeemPath = (room: string | null) => `/api/video-sessions/${room}/redeem/`;

beforeAll(async () => {
  psychologist = await createUser("psychologist", { name: "Alan Smith" });
  patient = await createUser("patient", { name: "Jane Doe" });
  stranger = await createUser("patient");
});

const appointment = (fields: Partial<Parameters<typeof createAppointment>[0]> = {}) =>
  createAppointment({ psychologist, patient, startsInMinutes: 5, ...fields });

const redeem = (room: string | null, body: unknown) => callJson(redeemPath(room), { method: "POST", body });
const refused = (error: string) => ({ status: 403, body: { error } });

// Keys and tokens are bearer secrets: no log line may carry one.
let logged: string[] = [];
beforeEach(() => {
  logged = [];
  for (const method of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(" "));
    });
  }
});
afterEach(() => {
  vi.restoreAllMocks();
});
function expectNotLogged(...secrets: string[]) {
  for (const line of logged) for (const secret of secrets) expect(line).not.toContain(secret);
}

describe("POST /api/video-sessions/<room_name>/redeem/", () => {
  it("trades a party's key, without any login, for a token that opens their session as them", async () => {
    const row = await appointment();
    for (const party of [patient, psychologist]) {
      const key = await joinKeyOf(row, party.id);
      const { status, body } = await redeem(row.video_room_id, { key });
      expect(status).toBe(200);
      expect(body).toEqual({
        token: expect.any(String),
        expires_at: expect.any(String),
        appointment_id: row.id,
        room_name: row.video_room_id,
      });
      // Until the room closes (30 minutes after the 50-minute session), like the key: one redemption lasts the session.
      expect(body.expires_at).toBe(isoOf(row.starts_at + 80 * 60));

      const session = await callJson(`/api/video-sessions/${row.video_room_id}/`, { token: body.token });
      expect(session.status).toBe(200);
      expect(session.body.you).toEqual({ id: party.id, name: party.name, role: party.role });
      expect(session.body.connection.identity).toBe(`${party.id}-${party.email}`);
      expectNotLogged(key, body.token, key.split(".")[4]!, body.token.split(".")[2]);
      expect(logged).toContainEqual(JSON.stringify({ event: "join_link_redeemed", appointment_id: row.id, user_id: party.id }));
    }
  });

  it("gives a token that lasts the whole session however long, and ends with the key when the room closes", async () => {
    const row = await appointment({ startsInMinutes: -40, durationMinutes: 240 });
    const { status, body } = await redeem(row.video_room_id, { key: await joinKeyOf(row, patient.id) });
    expect(status).toBe(200);
    expect(body.expires_at).toBe(isoOf(row.starts_at + 270 * 60));
  });

  it("works before the room opens: the page shows the countdown", async () => {
    const row = await appointment({ startsInMinutes: 24 * 60 });
    const { status, body } = await redeem(row.video_room_id, { key: await joinKeyOf(row, patient.id) });
    expect(status).toBe(200);
    const session = await callJson(`/api/video-sessions/${row.video_room_id}/`, { token: body.token });
    expect(session.body.join_window.can_join_now).toBe(false);
    expect(session.body.connection).toBeNull();
  });

  it("refuses a key that was changed, signed with another secret, or names no party of that room's session", async () => {
    const row = await appointment();
    const other = await appointment();
    const key = await joinKeyOf(row, patient.id);
    const [, userId, start, expiry, signature] = key.split(".");
    const attempts = [
      [row.video_room_id, `${other.id}.${userId}.${start}.${expiry}.${signature}`],
      [row.video_room_id, `${row.id}.${psychologist.id}.${start}.${expiry}.${signature}`],
      [row.video_room_id, await joinKeyOf(row, patient.id, env.JWT_SECRET)],
      [row.video_room_id, await joinKeyOf(row, stranger.id)],
      [other.video_room_id, key],
      ["apt-no-such-room", key],
      [row.video_room_id, await joinKeyOf({ ...row, id: 999_999 }, patient.id)],
      [row.video_room_id, "not-a-key"],
    ] as const;
    for (const [room, attempt] of attempts) {
      expect(await redeem(room, { key: attempt })).toEqual(refused("This link is not valid"));
    }
    expectNotLogged(key, signature!);
    expect(logged).toContainEqual(JSON.stringify({ event: "join_link_refused", appointment_id: row.id, reason: "invalid" }));
  });

  it("refuses a cancelled session's keys", async () => {
    const row = await appointment();
    const key = await joinKeyOf(row, patient.id);
    await env.DB.prepare("UPDATE appointments SET status = 'cancelled' WHERE id = ?").bind(row.id).run();
    expect(await redeem(row.video_room_id, { key })).toEqual(refused("This session has been cancelled, so its link no longer opens it"));
    expectNotLogged(key);
    expect(logged).toEqual([JSON.stringify({ event: "join_link_refused", appointment_id: row.id, reason: "cancelled" })]);
  });

  it("refuses the old keys of a session that moved, and takes the new ones", async () => {
    const row = await appointment();
    const oldKey = await joinKeyOf(row, patient.id);
    const moved = await env.DB.prepare("UPDATE appointments SET starts_at = starts_at + 600 WHERE id = ? RETURNING *")
      .bind(row.id)
      .first<AppointmentRow>();
    expect(await redeem(row.video_room_id, { key: oldKey })).toEqual(
      refused("This session has moved to a new time: use the link in its latest message"),
    );
    expect((await redeem(row.video_room_id, { key: await joinKeyOf(moved!, patient.id) })).status).toBe(200);
  });

  it("refuses a key once the session's room has closed", async () => {
    const row = await appointment({ startsInMinutes: -81 });
    expect(await redeem(row.video_room_id, { key: await joinKeyOf(row, patient.id) })).toEqual(
      refused("This link has expired: the session's room has closed"),
    );
  });

  it("accepts keys signed with the secret derived from JWT_SECRET when SESSION_LINK_SECRET is not set", async () => {
    const row = await appointment();
    await withSettings({ SESSION_LINK_SECRET: "" }, async () => {
      const derived = await joinKeyOf(row, patient.id, `session-links:${env.JWT_SECRET}`);
      expect((await redeem(row.video_room_id, { key: derived })).status).toBe(200);
      expect(await redeem(row.video_room_id, { key: await joinKeyOf(row, patient.id) })).toEqual(refused("This link is not valid"));
      expect(await redeem(row.video_room_id, { key: await joinKeyOf(row, patient.id, env.JWT_SECRET) })).toEqual(
        refused("This link is not valid"),
      );
    });
  });

  it("takes the key in the body only", async () => {
    const row = await appointment();
    const key = await joinKeyOf(row, patient.id);
    const missing = "Invalid input: expected string, received undefined";
    expect(await redeem(row.video_room_id, {})).toEqual({
      status: 400,
      body: { error: `Invalid key: ${missing}`, details: { key: [missing] } },
    });
    const extra = 'Unrecognized key: "user_id"';
    expect(await redeem(row.video_room_id, { key, user_id: stranger.id })).toEqual({
      status: 400,
      body: { error: `Invalid body: ${extra}`, details: { body: [extra] } },
    });
    const empty = "Too small: expected string to have >=1 characters";
    expect(await redeem(row.video_room_id, { key: "" })).toEqual({
      status: 400,
      body: { error: `Invalid key: ${empty}`, details: { key: [empty] } },
    });
    expectNotLogged(key);
  });
});
