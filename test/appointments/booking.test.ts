import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { callJson, type TestUser } from "../support/api";
import { createAppointment, createUser, isoInMinutes, type UserFixture } from "../support/fixtures";

let psychologist: UserFixture;
let otherPsychologist: UserFixture;
let patient: UserFixture;
let otherPatient: UserFixture;
const admin = { id: 1, email: "admin@example.com", role: "admin" as const };

beforeAll(async () => {
  psychologist = await createUser("psychologist", { name: "Grace Hopper" });
  otherPsychologist = await createUser("psychologist");
  patient = await createUser("patient", { name: "Alan Turing" });
  otherPatient = await createUser("patient");
});

const booking = (fields: Record<string, unknown> = {}) => ({
  patient_id: patient.id,
  psychologist_id: psychologist.id,
  appointment_date: isoInMinutes(24 * 60),
  duration_minutes: 50,
  session_type: "telehealth",
  ...fields,
});

let slotDays = 2;
/** A fresh day far enough ahead that earlier bookings in this file never clash with it. */
const freshSlot = () => isoInMinutes(24 * 60 * slotDays++);

describe("POST /api/appointments/", () => {
  it("lets a psychologist book for themself, naming the video room after the appointment", async () => {
    const { status, body } = await callJson("/api/appointments/", {
      method: "POST",
      as: psychologist,
      body: booking({ appointment_date: freshSlot(), service_name: "Initial consultation" }),
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({
      psychologist_id: psychologist.id,
      patient_id: patient.id,
      status: "scheduled",
      session_type: "telehealth",
      video_provider: "twilio",
      service_name: "Initial consultation",
      psychologist: { id: psychologist.id, name: "Grace Hopper", email: psychologist.email },
      patient: { id: patient.id, name: "Alan Turing", email: patient.email },
    });
    expect(body.video_room_id).toMatch(new RegExp(`^apt-${body.id}-\\d{10}-[0-9a-f]{8}$`));
    expect(body.meeting_url).toBe(`https://practice.example.com/video-session/${body.video_room_id}`);
  });

  it("fills the caller's own side: a patient books with a psychologist", async () => {
    const { status, body } = await callJson("/api/appointments/", {
      method: "POST",
      as: patient,
      body: {
        psychologist_id: psychologist.id,
        appointment_date: freshSlot(),
        duration_minutes: 30,
        session_type: "telehealth",
        video_provider: "agora",
      },
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({ patient_id: patient.id, video_provider: "agora" });
  });

  it("lets an admin book for anyone, and gives in-person sessions no video room", async () => {
    const { status, body } = await callJson("/api/appointments/", {
      method: "POST",
      as: admin,
      body: booking({ appointment_date: freshSlot(), session_type: "in_person" }),
    });
    expect(status).toBe(201);
    expect(body.video_room_id).toBeNull();
    expect(body.meeting_url).toBeNull();
  });

  it("does not let a psychologist book for a colleague, nor a patient for another patient", async () => {
    const asColleague = await callJson("/api/appointments/", {
      method: "POST",
      as: otherPsychologist,
      body: booking({ appointment_date: freshSlot() }),
    });
    expect(asColleague).toEqual({ status: 403, body: { error: "Permission denied" } });
    const asOtherPatient = await callJson("/api/appointments/", {
      method: "POST",
      as: otherPatient,
      body: booking({ appointment_date: freshSlot() }),
    });
    expect(asOtherPatient).toEqual({ status: 403, body: { error: "Permission denied" } });
  });

  it.each([
    ["a date in the past", () => ({ appointment_date: isoInMinutes(-5) }), "Appointment date must be in the future", "appointment_date"],
    [
      "the same person on both sides",
      () => ({ patient_id: psychologist.id }),
      "Patient and psychologist must be different users",
      "patient_id",
    ],
    ["an unknown patient", () => ({ patient_id: 999_999 }), "Patient not found", "patient_id"],
    ["a patient id that is a psychologist", () => ({ patient_id: otherPsychologist.id }), `is not a patient`, "patient_id"],
  ])("rejects %s, naming the field", async (_, fields, message, field) => {
    const response = await callJson("/api/appointments/", {
      method: "POST",
      as: admin,
      body: booking({ appointment_date: freshSlot(), ...fields() }),
    });
    expect(response.status).toBe(400);
    expect(response.body.error).toContain(message);
    expect(Object.keys(response.body.details)).toEqual([field]);
  });

  it("rejects an inactive party, telling only an admin why", async () => {
    const inactive = await createUser("patient", { is_active: false });
    const book = (as: TestUser) =>
      callJson("/api/appointments/", { method: "POST", as, body: booking({ patient_id: inactive.id, appointment_date: freshSlot() }) });
    expect(await book(admin)).toEqual({
      status: 400,
      body: { error: "Patient account is inactive", details: { patient_id: ["Account is inactive"] } },
    });
    expect(await book(psychologist)).toEqual({
      status: 400,
      body: { error: "Patient not found", details: { patient_id: ["No active patient with this id"] } },
    });
  });

  it("tells a non-admin nothing about other users: unknown, another role and inactive all read as not found", async () => {
    const inactive = await createUser("patient", { is_active: false });
    const answers = [];
    for (const patient_id of [999_999, otherPsychologist.id, inactive.id]) {
      answers.push(
        await callJson("/api/appointments/", {
          method: "POST",
          as: psychologist,
          body: booking({ patient_id, appointment_date: freshSlot() }),
        }),
      );
    }
    for (const answer of answers) {
      expect(answer).toEqual({
        status: 400,
        body: { error: "Patient not found", details: { patient_id: ["No active patient with this id"] } },
      });
    }
  });

  it.each([
    ["duration_minutes", { duration_minutes: 14 }],
    ["duration_minutes", { duration_minutes: 241 }],
    ["duration_minutes", { duration_minutes: 50.5 }],
    ["appointment_date", { appointment_date: "2030-01-01T10:00:00" }],
    ["appointment_date", { appointment_date: "tomorrow" }],
    ["session_type", { session_type: "phone" }],
    ["video_provider", { video_provider: "zoom" }],
  ])("names %s when it is invalid", async (field, fields) => {
    const response = await callJson("/api/appointments/", { method: "POST", as: psychologist, body: booking(fields) });
    expect(response.status).toBe(400);
    expect(response.body.error).toContain(field);
    expect(response.body.details).toHaveProperty(field);
  });

  it("accepts any UTC offset and stores the instant in UTC", async () => {
    const day = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
    const { status, body } = await callJson("/api/appointments/", {
      method: "POST",
      as: psychologist,
      body: booking({ appointment_date: `${day}T09:00:00+02:00` }),
    });
    expect(status).toBe(201);
    expect(body.appointment_date).toBe(`${day}T07:00:00Z`);
  });
});

describe("overlap rules", () => {
  const startMinutes = 60 * 24 * 60;

  it("refuses a slot that intersects either party's live appointment, and allows touching ones", async () => {
    await createAppointment({ psychologist, patient: otherPatient, startsInMinutes: startMinutes, durationMinutes: 60 });
    const clashForPsychologist = await callJson("/api/appointments/", {
      method: "POST",
      as: psychologist,
      body: booking({ appointment_date: isoInMinutes(startMinutes + 59) }),
    });
    expect(clashForPsychologist).toEqual({
      status: 400,
      body: {
        error: "The psychologist already has an appointment at this time",
        details: { appointment_date: ["Clashes with another appointment"] },
      },
    });

    const clashForPatient = await callJson("/api/appointments/", {
      method: "POST",
      as: admin,
      body: booking({
        psychologist_id: otherPsychologist.id,
        patient_id: otherPatient.id,
        appointment_date: isoInMinutes(startMinutes - 30),
        duration_minutes: 31,
      }),
    });
    expect(clashForPatient).toEqual({
      status: 400,
      body: {
        error: "The patient already has an appointment at this time",
        details: { appointment_date: ["Clashes with another appointment"] },
      },
    });

    const touchingAfter = await callJson("/api/appointments/", {
      method: "POST",
      as: psychologist,
      body: booking({ appointment_date: isoInMinutes(startMinutes + 60) }),
    });
    expect(touchingAfter.status).toBe(201);
    const touchingBefore = await callJson("/api/appointments/", {
      method: "POST",
      as: psychologist,
      body: booking({ appointment_date: isoInMinutes(startMinutes - 50) }),
    });
    expect(touchingBefore.status).toBe(201);
  });

  it("ignores cancelled appointments", async () => {
    await createAppointment({ psychologist, patient: otherPatient, startsInMinutes: startMinutes + 600, status: "cancelled" });
    const response = await callJson("/api/appointments/", {
      method: "POST",
      as: psychologist,
      body: booking({ appointment_date: isoInMinutes(startMinutes + 600) }),
    });
    expect(response.status).toBe(201);
  });

  it("lets exactly one of two racing bookings for the same slot win", async () => {
    const body = booking({ appointment_date: isoInMinutes(startMinutes + 2000) });
    const [a, b] = await Promise.all([
      callJson("/api/appointments/", { method: "POST", as: psychologist, body }),
      callJson("/api/appointments/", { method: "POST", as: psychologist, body }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 400]);
    const booked = await env.DB.prepare("SELECT COUNT(*) AS n FROM appointments WHERE psychologist_id = ? AND starts_at = ?")
      .bind(psychologist.id, Math.floor(Date.parse(body.appointment_date as string) / 1000))
      .first();
    expect(booked).toEqual({ n: 1 });
  });
});
