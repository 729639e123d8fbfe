import { beforeAll, describe, expect, it } from "vitest";
import { callJson } from "../support/api";
import { createAppointment, createUser, type UserFixture } from "../support/fixtures";

let drA: UserFixture, drB: UserFixture, patientA: UserFixture, patientB: UserFixture, stranger: UserFixture;
let aWithA: number, bWithB: number, aWithB: number;
const admin = { id: 1, email: "admin@example.com", role: "admin" as const };

beforeAll(async () => {
  [drA, drB, patientA, patientB, stranger] = await Promise.all([
    createUser("psychologist"),
    createUser("psychologist"),
    createUser("patient"),
    createUser("patient"),
    createUser("patient"),
  ]);
  aWithA = (await createAppointment({ psychologist: drA, patient: patientA, startsInMinutes: 60 })).id;
  bWithB = (await createAppointment({ psychologist: drB, patient: patientB, startsInMinutes: 120 })).id;
  aWithB = (await createAppointment({ psychologist: drA, patient: patientB, startsInMinutes: 180, status: "cancelled" })).id;
});

const idsOf = (body: { results: { id: number }[] }) => body.results.map((r) => r.id);

describe("who sees which appointments", () => {
  it("shows a psychologist their own, in start order", async () => {
    const { body } = await callJson("/api/appointments/", { as: drA });
    expect(idsOf(body)).toEqual([aWithA, aWithB]);
  });

  it("shows a patient their own", async () => {
    expect(idsOf((await callJson("/api/appointments/", { as: patientB })).body)).toEqual([bWithB, aWithB]);
    expect((await callJson("/api/appointments/", { as: stranger })).body).toEqual({ count: 0, next: null, previous: null, results: [] });
  });

  it("shows an admin everything", async () => {
    const { body } = await callJson("/api/appointments/?page_size=500", { as: admin });
    expect(idsOf(body)).toEqual(expect.arrayContaining([aWithA, bWithB, aWithB]));
  });

  it("filters by status", async () => {
    expect(idsOf((await callJson("/api/appointments/?status=cancelled", { as: drA })).body)).toEqual([aWithB]);
    expect((await callJson("/api/appointments/?status=maybe", { as: drA })).status).toBe(400);
  });

  it("filters by date range, inclusive of both days", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const inAWeek = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    expect((await callJson(`/api/appointments/?date_from=${inAWeek}`, { as: drA })).body.count).toBe(0);
    // Fixtures start 1-3 hours from now; near midnight UTC that may already be tomorrow.
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    expect((await callJson(`/api/appointments/?date_from=${today}&date_to=${tomorrow}`, { as: drA })).body.count).toBe(2);
    const bad = await callJson(`/api/appointments/?date_from=${inAWeek}&date_to=${today}`, { as: drA });
    expect(bad).toEqual({
      status: 400,
      body: {
        error: "The start date is after the end date",
        details: { date_from: ["Later than date_to"], date_to: ["Earlier than date_from"] },
      },
    });
    expect((await callJson("/api/appointments/?date_from=2026-02-30", { as: drA })).body.details).toHaveProperty("date_from");
  });

  it("lets parties and admins read the detail, and nobody else", async () => {
    for (const caller of [drA, patientA, admin]) {
      const { status, body } = await callJson(`/api/appointments/${aWithA}/`, { as: caller });
      expect(status).toBe(200);
      expect(body).toMatchObject({ id: aWithA, psychologist: { id: drA.id }, patient: { id: patientA.id } });
    }
    for (const caller of [drB, patientB, stranger]) {
      // The same 404 as a missing appointment: nobody learns which ids are someone's.
      expect(await callJson(`/api/appointments/${aWithA}/`, { as: caller })).toEqual({
        status: 404,
        body: { error: "Appointment not found" },
      });
    }
  });

  it("answers an unknown id with 404", async () => {
    expect(await callJson("/api/appointments/987654/", { as: drA })).toEqual({ status: 404, body: { error: "Appointment not found" } });
  });
});
