import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { callJson } from "../support/api";
import { failD1Writes, useD1Faults } from "../support/d1-faults";
import { createUser, isoInMinutes } from "../support/fixtures";

useD1Faults();

/** Both parties reachable on both channels, so a booking owes four notices. */
async function couple() {
  const psychologist = await createUser("psychologist", { phone: "+15550000111", whatsapp_opt_in: true });
  const patient = await createUser("patient", { phone: "+15550000222", whatsapp_opt_in: true });
  return { psychologist, patient };
}
type Couple = Awaited<ReturnType<typeof couple>>;

const apis = [
  {
    api: "appointments",
    path: "/api/appointments/",
    body: (who: Couple) => ({
      patient_id: who.patient.id,
      appointment_date: isoInMinutes(3 * 24 * 60),
      duration_minutes: 50,
      session_type: "telehealth",
    }),
  },
  {
    api: "video calls",
    path: "/api/v1/video/video-calls/",
    body: (who: Couple) => ({ doctor: who.psychologist.id, patient: who.patient.id, scheduled_time: isoInMinutes(3 * 24 * 60) }),
  },
];

/** What D1 holds for the couple: their appointments' ids and every ledger row about either of them. */
async function storedFor({ psychologist, patient }: Couple) {
  const [appointments, ledger] = await env.DB.batch<{ id: number; kind?: string; status?: string }>([
    env.DB.prepare("SELECT id FROM appointments WHERE psychologist_id = ? AND patient_id = ?").bind(psychologist.id, patient.id),
    env.DB.prepare("SELECT id, kind, status FROM reminders WHERE recipient_id IN (?, ?) ORDER BY id").bind(psychologist.id, patient.id),
  ]);
  return {
    appointments: appointments!.results.map((row) => row.id),
    ledger: ledger!.results.map((row) => `${row.kind} ${row.status}`),
  };
}

describe("booking under D1 faults", () => {
  it.each(apis)(
    "$api: D1 failing on the ledger rows mid-booking stores nothing and answers 500; the retry books once, with its notices",
    async ({ path, body }) => {
      const who = await couple();
      const request = { method: "POST", as: who.psychologist, body: body(who), headers: { "Idempotency-Key": `fault-${path}` } };
      const heal = await failD1Writes("INSERT", "reminders");

      expect(await callJson(path, request)).toEqual({ status: 500, body: { error: "Internal server error" } });
      expect(await storedFor(who)).toEqual({ appointments: [], ledger: [] });

      await heal();
      const retried = await callJson(path, request);
      expect(retried.status).toBe(201);
      expect(await storedFor(who)).toEqual({ appointments: [retried.body.id], ledger: Array(4).fill("booked pending") });
      // A retry after the success is the success again, not a second booking.
      expect(await callJson(path, request)).toEqual(retried);
      expect((await storedFor(who)).appointments).toHaveLength(1);
    },
  );

  it("D1 failing on the booking's last statement (naming its room) rolls back the appointment and its ledger rows alike", async () => {
    const who = await couple();
    const heal = await failD1Writes("UPDATE", "appointments", "NEW.video_room_id <> OLD.video_room_id");
    const request = { method: "POST", as: who.psychologist, body: apis[0]!.body(who) };
    expect((await callJson(apis[0]!.path, request)).status).toBe(500);
    expect(await storedFor(who)).toEqual({ appointments: [], ledger: [] });

    await heal();
    expect((await callJson(apis[0]!.path, request)).status).toBe(201);
    expect((await storedFor(who)).ledger).toEqual(Array(4).fill("booked pending"));
  });

  it("a late booking whose due reminder cannot be written stores neither the appointment nor its notices", async () => {
    const who = await couple();
    const request = {
      method: "POST",
      as: who.psychologist,
      body: { patient_id: who.patient.id, appointment_date: isoInMinutes(50), duration_minutes: 50, session_type: "telehealth" },
    };
    const heal = await failD1Writes("INSERT", "reminders", "NEW.kind = 'reminder'");
    expect((await callJson("/api/appointments/", request)).status).toBe(500);
    expect(await storedFor(who)).toEqual({ appointments: [], ledger: [] });

    await heal();
    expect((await callJson("/api/appointments/", request)).status).toBe(201);
    const { ledger } = await storedFor(who);
    // The notices, the hour reminder due now, and the day reminder it is too late for.
    expect([...ledger].sort()).toEqual(
      [...Array(4).fill("booked pending"), ...Array(4).fill("reminder pending"), ...Array(4).fill("reminder skipped")].sort(),
    );
  });
});

/** A couple with a session booked through `api` three days ahead, its four confirmations pending. */
async function booked(api = apis[0]!) {
  const who = await couple();
  const { status, body } = await callJson(api.path, { method: "POST", as: who.psychologist, body: api.body(who) });
  expect(status).toBe(201);
  return { who, id: body.id as number };
}

const startOf = async (id: number) =>
  (await env.DB.prepare("SELECT starts_at, status FROM appointments WHERE id = ?")
    .bind(id)
    .first<{ starts_at: number; status: string }>())!;

describe("changes under D1 faults", () => {
  it("reschedule: D1 failing on its notice leaves the session where it was and answers 500; the retry moves it once, with one notice each", async () => {
    const { who, id } = await booked();
    const before = await startOf(id);
    const request = { method: "PATCH", as: who.psychologist, body: { appointment_date: isoInMinutes(4 * 24 * 60) } };
    const heal = await failD1Writes("INSERT", "reminders", "NEW.kind = 'rescheduled'");

    expect(await callJson(`/api/appointments/${id}/`, request)).toEqual({ status: 500, body: { error: "Internal server error" } });
    expect(await startOf(id)).toEqual(before);
    expect((await storedFor(who)).ledger).toEqual(Array(4).fill("booked pending"));

    await heal();
    expect((await callJson(`/api/appointments/${id}/`, request)).status).toBe(200);
    expect((await storedFor(who)).ledger).toEqual([...Array(4).fill("booked skipped"), ...Array(4).fill("rescheduled pending")]);
  });

  it.each([
    {
      api: "appointments",
      cancel: (id: number) => [`/api/appointments/${id}/`, { method: "PATCH", body: { status: "cancelled" } }] as const,
    },
    { api: "video calls", cancel: (id: number) => [`/api/v1/video/video-calls/${id}/cancel/`, { method: "POST" }] as const },
  ])(
    "$api cancel: D1 failing on its notice leaves the session scheduled and answers 500; the retry cancels it once",
    async ({ api, cancel }) => {
      const { who, id } = await booked(apis.find((each) => each.api === api));
      const [path, options] = cancel(id);
      const request = { ...options, as: who.patient };
      const heal = await failD1Writes("INSERT", "reminders", "NEW.kind = 'cancelled'");

      expect(await callJson(path, request)).toEqual({ status: 500, body: { error: "Internal server error" } });
      expect((await startOf(id)).status).toBe("scheduled");
      expect((await storedFor(who)).ledger).toEqual(Array(4).fill("booked pending"));

      await heal();
      expect((await callJson(path, request)).status).toBe(200);
      expect((await storedFor(who)).ledger).toEqual([...Array(4).fill("booked skipped"), ...Array(4).fill("cancelled pending")]);
    },
  );

  it("two cancels at once: one wins, and the parties are told once", async () => {
    const { who, id } = await booked();
    const cancel = () => callJson(`/api/appointments/${id}/`, { method: "PATCH", as: who.patient, body: { status: "cancelled" } });
    const statuses = (await Promise.all([cancel(), cancel()])).map((response) => response.status).sort();
    expect(statuses).toEqual([200, 400]);
    expect((await storedFor(who)).ledger.filter((line) => line.startsWith("cancelled"))).toEqual(Array(4).fill("cancelled pending"));
  });
});
