import { createScheduledController, env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { utf8 } from "../../src/crypto/encoding";
import { requestFingerprint } from "../../src/http/idempotency/idempotency-key";
import worker from "../../src/index";
import { call, callJson, type TestUser } from "../support/api";
import { createUser, isoInMinutes, type UserFixture } from "../support/fixtures";

const appointments = "/api/appointments/";
const calls = "/api/v1/video/video-calls/";
const inProgress = { error: "A request with this Idempotency-Key is still in progress" };
const reused = { error: "Idempotency-Key was already used with a different request" };

let psychologist: UserFixture, patient: UserFixture;

// Each test books with its own psychologist and patient, so counting their appointments counts its bookings.
beforeEach(async () => {
  psychologist = await createUser("psychologist");
  patient = await createUser("patient");
});

let slotDays = 2;
/** A booking by the psychologist on a fresh day, so no two bookings in this file clash unless a test means them to. */
const booking = (fields: Record<string, unknown> = {}) => ({
  patient_id: patient.id,
  appointment_date: isoInMinutes(24 * 60 * slotDays++),
  duration_minutes: 50,
  session_type: "telehealth",
  ...fields,
});

const post = (path: string, as: TestUser, body: unknown, key?: string) =>
  callJson(path, { method: "POST", as, body, headers: key === undefined ? {} : { "Idempotency-Key": key } });

async function bookedWith(psychologistId: number): Promise<number[]> {
  const { results } = await env.DB.prepare("SELECT id FROM appointments WHERE psychologist_id = ? ORDER BY id")
    .bind(psychologistId)
    .all<{ id: number }>();
  return results.map((row) => row.id);
}

async function ledgerOf(appointmentId: number): Promise<number[]> {
  const { results } = await env.DB.prepare("SELECT id FROM reminders WHERE appointment_id = ? ORDER BY id")
    .bind(appointmentId)
    .all<{ id: number }>();
  return results.map((row) => row.id);
}

async function keysOf(userId: number): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT idempotency_key FROM idempotency_keys WHERE user_id = ? ORDER BY idempotency_key")
    .bind(userId)
    .all<{ idempotency_key: string }>();
  return results.map((row) => row.idempotency_key);
}

describe("Idempotency-Key on the create endpoints", () => {
  it("answers a retry with the first booking's status and body, and books it and its notices once", async () => {
    const key = crypto.randomUUID();
    const body = booking();
    const first = await post(appointments, psychologist, body, key);
    expect(first.status).toBe(201);
    const ledger = await ledgerOf(first.body.id);
    expect(ledger.length).toBeGreaterThan(0);

    const retry = await call(appointments, { method: "POST", as: psychologist, body, headers: { "Idempotency-Key": key } });
    expect(retry.status).toBe(201);
    expect(retry.headers.get("content-type")).toContain("application/json");
    expect(await retry.json()).toEqual(first.body);
    expect(await bookedWith(psychologist.id)).toEqual([first.body.id]);
    expect(await ledgerOf(first.body.id)).toEqual(ledger);
  });

  it("answers a retry of a video call with the first call, scheduled once", async () => {
    const key = crypto.randomUUID();
    const body = { doctor: psychologist.id, patient: patient.id, scheduled_time: isoInMinutes(24 * 60 * slotDays++) };
    const first = await post(calls, psychologist, body, key);
    expect(first.status).toBe(201);
    const retry = await post(calls, psychologist, body, key);
    expect(retry).toEqual(first);
    expect(await bookedWith(psychologist.id)).toEqual([first.body.id]);
  });

  it("refuses the same key with another body, or on the other endpoint, with 422 and books nothing more", async () => {
    const key = crypto.randomUUID();
    const first = await post(appointments, psychologist, booking(), key);
    expect(first.status).toBe(201);

    expect(await post(appointments, psychologist, booking(), key)).toEqual({ status: 422, body: reused });
    const call = { doctor: psychologist.id, patient: patient.id, scheduled_time: isoInMinutes(24 * 60 * slotDays++) };
    expect(await post(calls, psychologist, call, key)).toEqual({ status: 422, body: reused });
    expect(await bookedWith(psychologist.id)).toEqual([first.body.id]);
  });

  it("books one appointment for requests sent at once with one key; the others hear 409 or the same answer", async () => {
    const key = crypto.randomUUID();
    const body = booking();
    const answers = await Promise.all(Array.from({ length: 5 }, () => post(appointments, psychologist, body, key)));

    const booked = await bookedWith(psychologist.id);
    expect(booked).toHaveLength(1);
    const created = answers.filter((answer) => answer.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const answer of created) expect(answer.body.id).toBe(booked[0]);
    for (const answer of answers.filter((answer) => answer.status !== 201)) expect(answer).toEqual({ status: 409, body: inProgress });
  });

  it("answers 409 while the key's first request runs, and lets a retry through once that request's claim has lapsed", async () => {
    const key = crypto.randomUUID();
    const body = booking();
    const now = Math.floor(Date.now() / 1000);
    const requestHash = await requestFingerprint("POST", appointments, utf8(JSON.stringify(body)).buffer);
    const claim = env.DB.prepare(
      "INSERT INTO idempotency_keys (user_id, idempotency_key, request_hash, lease_until, created_at) VALUES (?, ?, ?, ?, ?)",
    );
    await claim.bind(psychologist.id, key, requestHash, now + 60, now).run();

    expect(await post(appointments, psychologist, body, key)).toEqual({ status: 409, body: inProgress });
    expect(await bookedWith(psychologist.id)).toEqual([]);

    // The request that claimed the key died without an answer: after its lease, a retry runs.
    await env.DB.prepare("UPDATE idempotency_keys SET lease_until = ? WHERE user_id = ?")
      .bind(now - 1, psychologist.id)
      .run();
    const retry = await post(appointments, psychologist, body, key);
    expect(retry.status).toBe(201);
    expect(await post(appointments, psychologist, body, key)).toEqual(retry);
  });

  it("keeps each caller's keys apart: another caller's same key books their own and never replays someone else's", async () => {
    const key = "booking-1";
    const otherPsychologist = await createUser("psychologist");
    const mine = await post(appointments, psychologist, booking(), key);
    const theirs = await post(appointments, otherPsychologist, booking(), key);

    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.body.psychologist_id).toBe(otherPsychologist.id);
    expect(await bookedWith(psychologist.id)).toEqual([mine.body.id]);
    expect(await bookedWith(otherPsychologist.id)).toEqual([theirs.body.id]);
  });

  it("does not remember an error: the same key books once the request is corrected", async () => {
    const key = crypto.randomUUID();
    const past = await post(appointments, psychologist, booking({ appointment_date: isoInMinutes(-60) }), key);
    expect(past.status).toBe(400);
    const invalid = await post(appointments, psychologist, booking({ session_type: "video" }), key);
    expect(invalid.status).toBe(400);

    const corrected = await post(appointments, psychologist, booking(), key);
    expect(corrected.status).toBe(201);
    expect(await bookedWith(psychologist.id)).toEqual([corrected.body.id]);
  });

  it("refuses a key that is not 1 to 255 visible ASCII characters with 400 naming Idempotency-Key, before booking", async () => {
    for (const key of ["", "x".repeat(256), "two words", "tab\there"]) {
      expect(await post(appointments, psychologist, booking(), key)).toEqual({
        status: 400,
        body: {
          error: "Invalid Idempotency-Key: Must be 1 to 255 visible ASCII characters",
          details: { "Idempotency-Key": ["Must be 1 to 255 visible ASCII characters"] },
        },
      });
    }
    expect(await bookedWith(psychologist.id)).toEqual([]);
    expect((await post(appointments, psychologist, booking(), "~".repeat(255))).status).toBe(201);
  });

  it("runs a request without the header as before: a repeat is booked again (here, refused as a clash) and nothing is kept", async () => {
    const body = booking();
    const first = await post(appointments, psychologist, body);
    expect(first.status).toBe(201);
    expect(await post(appointments, psychologist, body)).toEqual({
      status: 400,
      body: {
        error: "The patient already has an appointment at this time",
        details: { appointment_date: ["Clashes with another appointment"] },
      },
    });
    expect(await keysOf(psychologist.id)).toEqual([]);
  });

  it("keeps a key for 24 hours: then it may book again, and the cron forgets it", async () => {
    const dayAgo = Math.floor(Date.now() / 1000) - 24 * 3600;
    const age = (key: string) =>
      env.DB.prepare("UPDATE idempotency_keys SET created_at = ? WHERE user_id = ? AND idempotency_key = ?")
        .bind(dayAgo, psychologist.id, key)
        .run();
    const first = await post(appointments, psychologist, booking(), "reused");
    await age("reused");
    const later = await post(appointments, psychologist, booking(), "reused");
    expect(later.status).toBe(201);
    expect(await bookedWith(psychologist.id)).toEqual([first.body.id, later.body.id]);

    await post(appointments, psychologist, booking(), "forgotten");
    await age("forgotten");
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" }), env);
    expect(await keysOf(psychologist.id)).toEqual(["reused"]);
  });

  it("documents the header and its refusals on both create routes", async () => {
    const document = (await (await call("/openapi.json")).json()) as any;
    for (const path of [appointments, calls]) {
      const create = document.paths[path].post;
      expect(create.parameters).toContainEqual(expect.objectContaining({ name: "Idempotency-Key", in: "header", required: false }));
      expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(["201", "409", "422"]));
    }
  });
});

describe("a request's fingerprint", () => {
  it("binds a key to the method, the path and the body byte for byte", async () => {
    const body = (text: string) => utf8(text).buffer;
    const fingerprint = await requestFingerprint("POST", appointments, body('{"a":1}'));
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(await requestFingerprint("POST", appointments, body('{"a":1}'))).toBe(fingerprint);
    for (const other of [
      requestFingerprint("PUT", appointments, body('{"a":1}')),
      requestFingerprint("POST", calls, body('{"a":1}')),
      requestFingerprint("POST", appointments, body('{"a": 1}')),
    ]) {
      expect(await other).not.toBe(fingerprint);
    }
  });
});
