import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { joinKeyFor, signJoinKey } from "../../src/video/join-links";
import { call, withSettings } from "../support/api";
import { createAppointment, createUser, type UserFixture } from "../support/fixtures";

const practice = "https://practice.example.com";
const elsewhere = "https://evil.example.net";
let psychologist: UserFixture, patient: UserFixture;

beforeAll(async () => {
  psychologist = await createUser("psychologist");
  patient = await createUser("patient");
});

const preflight = (path: string, origin: string, method = "POST") =>
  call(path, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": method, "access-control-request-headers": "authorization, content-type" },
  });

/** Every CORS header of a response, by name. */
const corsHeaders = (response: Response) =>
  Object.fromEntries([...response.headers].filter(([name]) => name.startsWith("access-control-")));

describe("CORS for practices' own front ends", () => {
  it("answers an allowed origin's preflight before authentication, without credentials", async () => {
    const row = await createAppointment({ psychologist, patient, startsInMinutes: 5 });
    for (const path of [`/api/video-sessions/${row.video_room_id}/`, `/api/video-sessions/${row.video_room_id}/redeem/`]) {
      const response = await preflight(path, practice);
      expect(response.status).toBe(204);
      expect(corsHeaders(response)).toEqual({
        "access-control-allow-origin": practice,
        "access-control-allow-methods": "GET,POST,PUT,PATCH,OPTIONS",
        "access-control-allow-headers": "Authorization,Content-Type,Idempotency-Key,x-d1-bookmark",
        "access-control-expose-headers": "x-d1-bookmark",
        "access-control-max-age": "600",
      });
      expect(response.headers.get("vary")).toContain("Origin");
    }
  });

  it("lets an allowed origin read answers, errors included", async () => {
    const row = await createAppointment({ psychologist, patient, startsInMinutes: 5 });
    const ok = await call(`/api/video-sessions/${row.video_room_id}/`, { as: patient, headers: { origin: practice } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe(practice);
    // The page keeps the D1 bookmark for its next request, so it must be able to read it.
    expect(ok.headers.get("access-control-expose-headers")).toBe("x-d1-bookmark");
    expect(ok.headers.get("x-d1-bookmark")).toBeTruthy();
    // The page shows why a link did not open, so refusals must be readable too.
    const refused = await call(`/api/video-sessions/${row.video_room_id}/redeem/`, {
      method: "POST",
      body: { key: "not-a-key" },
      headers: { origin: practice },
    });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: "This link is not valid" });
    expect(refused.headers.get("access-control-allow-origin")).toBe(practice);
    const unauthenticated = await call(`/api/video-sessions/${row.video_room_id}/`, { headers: { origin: practice } });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get("access-control-allow-origin")).toBe(practice);
  });

  it("gives any other origin no CORS headers at all", async () => {
    const row = await createAppointment({ psychologist, patient, startsInMinutes: 5 });
    const response = await preflight(`/api/video-sessions/${row.video_room_id}/redeem/`, elsewhere);
    expect(corsHeaders(response)).toEqual({});
    const key = await signJoinKey(
      joinKeyFor({ appointmentId: row.id, startsAt: row.starts_at, durationMinutes: row.duration_minutes }, patient.id),
      env.SESSION_LINK_SECRET,
    );
    const redeemed = await call(`/api/video-sessions/${row.video_room_id}/redeem/`, {
      method: "POST",
      body: { key },
      headers: { origin: elsewhere },
    });
    expect(corsHeaders(redeemed)).toEqual({});
    const read = await call(`/api/video-sessions/${row.video_room_id}/`, { as: patient, headers: { origin: elsewhere } });
    expect(read.status).toBe(200);
    expect(corsHeaders(read)).toEqual({});
  });

  it("allows only the origins CORS_ALLOWED_ORIGINS lists, exactly", async () => {
    const other = "https://clinic.example.org";
    await withSettings({ CORS_ALLOWED_ORIGINS: `${practice}, ${other}` }, async () => {
      expect((await preflight("/api/users/me", other, "GET")).headers.get("access-control-allow-origin")).toBe(other);
      expect((await preflight("/api/users/me", practice, "GET")).headers.get("access-control-allow-origin")).toBe(practice);
      for (const near of [`${practice}:8443`, "http://practice.example.com", "https://practice.example.com.evil.net", "null"]) {
        expect(corsHeaders(await preflight("/api/users/me", near, "GET"))).toEqual({});
      }
    });
    await withSettings({ CORS_ALLOWED_ORIGINS: "" }, async () => {
      expect(corsHeaders(await preflight("/api/users/me", practice, "GET"))).toEqual({});
    });
  });
});
