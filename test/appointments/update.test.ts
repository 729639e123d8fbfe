import { beforeAll, describe, expect, it } from "vitest";
import { callJson } from "../support/api";
import { createAppointment, createUser, isoInMinutes, type UserFixture } from "../support/fixtures";

let psychologist: UserFixture, patient: UserFixture, stranger: UserFixture;

beforeAll(async () => {
  [psychologist, patient, stranger] = await Promise.all([createUser("psychologist"), createUser("patient"), createUser("patient")]);
});

const patch = (id: number, body: unknown, as: UserFixture = psychologist) =>
  callJson(`/api/appointments/${id}/`, { method: "PATCH", as, body });

describe("PATCH /api/appointments/<id>/", () => {
  it("reschedules under the booking rules and keeps the room", async () => {
    const appointment = await createAppointment({ psychologist, patient, startsInMinutes: 3000 });
    const newDate = isoInMinutes(4000).replace(/\.\d{3}Z$/, "Z");
    const { status, body } = await patch(appointment.id, { appointment_date: newDate, duration_minutes: 90 });
    expect(status).toBe(200);
    expect(body).toMatchObject({ appointment_date: newDate, duration_minutes: 90, video_room_id: appointment.video_room_id });
  });

  it("refuses a reschedule into the past or onto another appointment", async () => {
    const appointment = await createAppointment({ psychologist, patient, startsInMinutes: 5000 });
    await createAppointment({ psychologist, patient: stranger, startsInMinutes: 6000, durationMinutes: 60 });
    expect((await patch(appointment.id, { appointment_date: isoInMinutes(-10) })).body.error).toBe(
      "Appointment date must be in the future",
    );
    expect(await patch(appointment.id, { appointment_date: isoInMinutes(6030) })).toEqual({
      status: 400,
      body: {
        error: "The psychologist already has an appointment at this time",
        details: { appointment_date: ["Clashes with another appointment"] },
      },
    });
    // Lengthening into itself is not a clash.
    expect((await patch(appointment.id, { duration_minutes: 120 })).status).toBe(200);
  });

  it("confirms, then cancels, and refuses to cancel twice", async () => {
    const appointment = await createAppointment({ psychologist, patient, startsInMinutes: 7000 });
    expect((await patch(appointment.id, { status: "confirmed" })).body.status).toBe("confirmed");
    expect((await patch(appointment.id, { status: "confirmed" })).body).toEqual({ error: "Appointment is already confirmed" });
    expect((await patch(appointment.id, { status: "cancelled" }, patient)).body.status).toBe("cancelled");
    expect(await patch(appointment.id, { status: "cancelled" })).toEqual({
      status: 400,
      body: { error: "Appointment is already cancelled" },
    });
    expect(await patch(appointment.id, { duration_minutes: 30 })).toEqual({
      status: 400,
      body: { error: "Appointment is already cancelled" },
    });
  });

  it("lets exactly one of two racing cancels succeed", async () => {
    const appointment = await createAppointment({ psychologist, patient, startsInMinutes: 7500 });
    const results = await Promise.all([
      patch(appointment.id, { status: "cancelled" }),
      patch(appointment.id, { status: "cancelled" }, patient),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
  });

  it("does not let a patient confirm, nor change a completed session, nor move one under way", async () => {
    const appointment = await createAppointment({ psychologist, patient, startsInMinutes: 8000 });
    expect(await patch(appointment.id, { status: "confirmed" }, patient)).toEqual({ status: 403, body: { error: "Permission denied" } });
    const done = await createAppointment({ psychologist, patient, startsInMinutes: -300, status: "completed" });
    expect(await patch(done.id, { status: "cancelled" })).toEqual({
      status: 400,
      body: { error: "A completed appointment cannot be changed" },
    });
    const live = await createAppointment({ psychologist, patient, startsInMinutes: -10, status: "ongoing" });
    for (const change of [{ status: "confirmed" }, { appointment_date: isoInMinutes(600) }]) {
      expect(await patch(live.id, change)).toEqual({ status: 400, body: { error: "An ongoing appointment cannot be changed" } });
    }
  });

  it("cancels a session under way: someone in the room must not lock it", async () => {
    const live = await createAppointment({ psychologist, patient, startsInMinutes: -10, status: "ongoing" });
    const cancelled = await patch(live.id, { status: "cancelled" }, patient);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe("cancelled");
  });

  it("rejects empty, mixed and unknown changes, and strangers", async () => {
    const appointment = await createAppointment({ psychologist, patient, startsInMinutes: 9000 });
    expect((await patch(appointment.id, {})).status).toBe(400);
    expect((await patch(appointment.id, { status: "completed" })).body.details).toHaveProperty("status");
    expect((await patch(appointment.id, { status: "cancelled", duration_minutes: 30 })).body).toEqual({
      error: "Change the time or the status, not both in one request",
      details: { status: ["Send it without appointment_date or duration_minutes"] },
    });
    // Not theirs: the same 404 as a missing appointment, so ids cannot be probed.
    expect(await patch(appointment.id, { status: "cancelled" }, stranger)).toEqual({
      status: 404,
      body: { error: "Appointment not found" },
    });
  });
});
