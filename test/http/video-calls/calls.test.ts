import { beforeAll, describe, expect, it } from "vitest";
import { callJson } from "../../support/api";
import { createAppointment, createUser, isoInMinutes, type UserFixture } from "../../support/fixtures";

const calls = "/api/v1/video/video-calls/";
const admin = { id: 1, email: "admin@example.com", role: "admin" as const };
const clashMessage = "There is already a scheduled call within 30 minutes of this time";
const clash = { error: clashMessage, details: { scheduled_time: ["Clashes with another appointment"] } };

let doctor: UserFixture, otherDoctor: UserFixture, patient: UserFixture, otherPatient: UserFixture;

beforeAll(async () => {
  doctor = await createUser("psychologist", { name: "Grace Hopper" });
  otherDoctor = await createUser("psychologist");
  patient = await createUser("patient", { name: "Alan Turing" });
  otherPatient = await createUser("patient");
});

let slotDays = 2;
/** A fresh day far enough ahead that earlier calls in this file never clash with it. */
const freshSlot = () => isoInMinutes(24 * 60 * slotDays++);
/** The API keeps whole seconds. */
const isoWithoutMillis = (iso: string) => new Date(Math.floor(Date.parse(iso) / 1000) * 1000).toISOString().replace(".000Z", "Z");

describe("POST /api/v1/video/video-calls/", () => {
  it("lets a psychologist schedule a call for themself, stored as an Agora telehealth appointment", async () => {
    const scheduled = freshSlot();
    const { status, body } = await callJson(calls, {
      method: "POST",
      as: doctor,
      body: { doctor: doctor.id, patient: patient.id, scheduled_time: scheduled },
    });

    expect(status).toBe(201);
    expect(body).toEqual({
      id: expect.any(Number),
      channel_name: expect.stringMatching(/^call_\d{10}_\d{4}_[0-9a-f]{16}$/),
      doctor: doctor.id,
      patient: patient.id,
      doctor_details: { id: doctor.id, user: { email: doctor.email, full_name: "Grace Hopper" } },
      patient_details: { id: patient.id, user: { email: patient.email, full_name: "Alan Turing" } },
      status: "scheduled",
      scheduled_time: isoWithoutMillis(scheduled),
      duration_minutes: 50,
      started_at: null,
      ended_at: null,
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      updated_at: expect.stringMatching(/Z$/),
    });
    expect(Math.abs(Number(body.channel_name.split("_")[1]) - Date.now() / 1000)).toBeLessThan(60);

    // One source of truth: the call is an appointment, in both parties' schedules.
    const appointment = await callJson(`/api/appointments/${body.id}/`, { as: patient });
    expect(appointment.body).toMatchObject({
      video_provider: "agora",
      session_type: "telehealth",
      video_room_id: body.channel_name,
      status: "scheduled",
    });
    const schedule = await callJson("/api/appointments/psychologist/schedule/?page_size=500", { as: doctor });
    expect(schedule.body.results.map((item: { id: number }) => item.id)).toContain(body.id);
  });

  it("names every channel differently and unguessably", async () => {
    const names = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const { body } = await callJson(calls, {
        method: "POST",
        as: admin,
        body: { doctor: doctor.id, patient: patient.id, scheduled_time: freshSlot() },
      });
      names.add(body.channel_name.split("_")[3]);
    }
    expect(names.size).toBe(3);
  });

  it("lets a patient schedule with a doctor, and an admin for anyone", async () => {
    const byPatient = await callJson(calls, {
      method: "POST",
      as: patient,
      body: { doctor: doctor.id, patient: patient.id, scheduled_time: freshSlot(), duration_minutes: 30 },
    });
    expect(byPatient.status).toBe(201);
    expect(byPatient.body).toMatchObject({ doctor: doctor.id, patient: patient.id, duration_minutes: 30 });
    const byAdmin = await callJson(calls, {
      method: "POST",
      as: admin,
      body: { doctor: otherDoctor.id, patient: otherPatient.id, scheduled_time: freshSlot() },
    });
    expect(byAdmin.status).toBe(201);
    expect(byAdmin.body).toMatchObject({ doctor: otherDoctor.id, patient: otherPatient.id });
  });

  it("does not let a psychologist schedule for a colleague, nor a patient for another patient", async () => {
    const forColleague = await callJson(calls, {
      method: "POST",
      as: otherDoctor,
      body: { doctor: doctor.id, patient: patient.id, scheduled_time: freshSlot() },
    });
    expect(forColleague).toEqual({ status: 403, body: { error: "Permission denied" } });
    const forOtherPatient = await callJson(calls, {
      method: "POST",
      as: otherPatient,
      body: { doctor: doctor.id, patient: patient.id, scheduled_time: freshSlot() },
    });
    expect(forOtherPatient).toEqual({ status: 403, body: { error: "Permission denied" } });
  });

  it.each([
    [
      "a time in the past",
      () => ({ scheduled_time: isoInMinutes(-5) }),
      () => ({ error: "Scheduled time must be in the future", details: { scheduled_time: ["Must be in the future"] } }),
    ],
    [
      "the same person on both sides",
      () => ({ patient: doctor.id }),
      () => ({ error: "Patient and psychologist must be different users", details: { patient: ["Must differ from doctor"] } }),
    ],
    [
      "an unknown doctor",
      () => ({ doctor: 999_999 }),
      () => ({ error: "Psychologist not found", details: { doctor: ["No user with id 999999"] } }),
    ],
    [
      "a patient who is a psychologist",
      () => ({ patient: otherDoctor.id }),
      () => ({ error: `User ${otherDoctor.id} is not a patient`, details: { patient: ["Must be a patient"] } }),
    ],
  ])("rejects %s", async (_, fields, expected) => {
    const response = await callJson(calls, {
      method: "POST",
      as: admin,
      body: { doctor: doctor.id, patient: patient.id, scheduled_time: freshSlot(), ...fields() },
    });
    expect(response).toEqual({ status: 400, body: expected() });
  });

  it("rejects an inactive party", async () => {
    const inactive = await createUser("patient", { is_active: false });
    const response = await callJson(calls, {
      method: "POST",
      as: doctor,
      body: { doctor: doctor.id, patient: inactive.id, scheduled_time: freshSlot() },
    });
    // A doctor (not an admin) is not told why: only that no such active patient exists.
    expect(response).toEqual({
      status: 400,
      body: { error: "Patient not found", details: { patient: ["No active patient with this id"] } },
    });
  });

  it.each([
    ["scheduled_time", { scheduled_time: undefined }],
    ["scheduled_time", { scheduled_time: "tomorrow" }],
    ["doctor", { doctor: undefined }],
    ["duration_minutes", { duration_minutes: 10 }],
    ["body", { channel_name: "call_1" }],
  ])("names %s when it is missing or invalid", async (field, fields) => {
    const response = await callJson(calls, {
      method: "POST",
      as: admin,
      body: { doctor: doctor.id, patient: patient.id, scheduled_time: freshSlot(), ...fields },
    });
    expect(response.status).toBe(400);
    if (field !== "body") expect(response.body.details).toHaveProperty(field);
  });

  it("keeps 30 minutes free around each call for both parties, whichever API booked the other session", async () => {
    const start = 60 * 24 * 90;
    const first = await callJson(calls, {
      method: "POST",
      as: doctor,
      body: { doctor: doctor.id, patient: patient.id, scheduled_time: isoInMinutes(start) },
    });
    expect(first.status).toBe(201);
    // The doctor's call ends at start+50: another starting 29 minutes later is too close, 31 is fine.
    const tooClose = await callJson(calls, {
      method: "POST",
      as: doctor,
      body: { doctor: doctor.id, patient: otherPatient.id, scheduled_time: isoInMinutes(start + 79) },
    });
    expect(tooClose).toEqual({ status: 400, body: clash });
    const clear = await callJson(calls, {
      method: "POST",
      as: doctor,
      body: { doctor: doctor.id, patient: otherPatient.id, scheduled_time: isoInMinutes(start + 81) },
    });
    expect(clear.status).toBe(201);
    // The patient's side, before the call.
    const beforeForPatient = await callJson(calls, {
      method: "POST",
      as: patient,
      body: { doctor: otherDoctor.id, patient: patient.id, scheduled_time: isoInMinutes(start - 75) },
    });
    expect(beforeForPatient).toEqual({ status: 400, body: clash });
    // A Twilio appointment of the patient counts too: calls and appointments are the same rows.
    await createAppointment({ psychologist: otherDoctor, patient, startsInMinutes: start + 600 });
    const nearAppointment = await callJson(calls, {
      method: "POST",
      as: admin,
      body: { doctor: doctor.id, patient: patient.id, scheduled_time: isoInMinutes(start + 600 + 60) },
    });
    expect(nearAppointment).toEqual({ status: 400, body: clash });
    // A cancelled call frees its slot.
    const retaken = { doctor: doctor.id, patient: otherPatient.id, scheduled_time: isoInMinutes(start - 10) };
    expect(await callJson(calls, { method: "POST", as: doctor, body: retaken })).toEqual({ status: 400, body: clash });
    expect((await callJson(`${calls}${first.body.id}/cancel/`, { method: "POST", as: doctor })).status).toBe(200);
    const afterCancel = await callJson(calls, { method: "POST", as: doctor, body: retaken });
    expect(afterCancel.status).toBe(201);
  });
});

describe("GET /api/v1/video/video-calls/ and /<id>/", () => {
  let drA: UserFixture, ptA: UserFixture, ptB: UserFixture, stranger: UserFixture;
  let early: number, confirmed: number, other: number, twilio: number, inPerson: number;

  beforeAll(async () => {
    [drA, ptA, ptB, stranger] = await Promise.all([
      createUser("psychologist"),
      createUser("patient"),
      createUser("patient"),
      createUser("patient"),
    ]);
    confirmed = (
      await createAppointment({ psychologist: drA, patient: ptA, startsInMinutes: 300, videoProvider: "agora", status: "confirmed" })
    ).id;
    early = (await createAppointment({ psychologist: drA, patient: ptA, startsInMinutes: 100, videoProvider: "agora" })).id;
    other = (
      await createAppointment({ psychologist: drA, patient: ptB, startsInMinutes: 200, videoProvider: "agora", status: "cancelled" })
    ).id;
    twilio = (await createAppointment({ psychologist: drA, patient: ptA, startsInMinutes: 400, videoProvider: "twilio" })).id;
    inPerson = (
      await createAppointment({ psychologist: drA, patient: ptA, startsInMinutes: 500, videoProvider: "agora", sessionType: "in_person" })
    ).id;
  });

  const idsOf = (body: { results: { id: number }[] }) => body.results.map((r) => r.id);

  it("lists a party's Agora calls in start order, and nothing else of theirs", async () => {
    expect(idsOf((await callJson(calls, { as: drA })).body)).toEqual([early, other, confirmed]);
    expect(idsOf((await callJson(calls, { as: ptA })).body)).toEqual([early, confirmed]);
    expect(idsOf((await callJson(calls, { as: ptB })).body)).toEqual([other]);
    expect((await callJson(calls, { as: stranger })).body).toEqual({ count: 0, next: null, previous: null, results: [] });
  });

  it("lists every call for an admin", async () => {
    const ids = idsOf((await callJson(`${calls}?page_size=500`, { as: admin })).body);
    expect(ids).toEqual(expect.arrayContaining([early, other, confirmed]));
    expect(ids).not.toContain(twilio);
    expect(ids).not.toContain(inPerson);
  });

  it("pages with absolute links", async () => {
    const { body } = await callJson(`${calls}?page_size=2`, { as: drA });
    expect(body).toMatchObject({ count: 3, previous: null, next: "http://api.test/api/v1/video/video-calls/?page_size=2&page=2" });
    expect((await callJson(`${calls}?page=3&page_size=2`, { as: drA })).status).toBe(404);
  });

  it("shows a confirmed appointment as a scheduled call", async () => {
    const { status, body } = await callJson(`${calls}${confirmed}/`, { as: ptA });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: confirmed,
      status: "scheduled",
      doctor: drA.id,
      patient: ptA.id,
      patient_details: { id: ptA.id, user: { email: ptA.email } },
    });
  });

  it("lets the parties and admins read a call, and nobody else", async () => {
    for (const caller of [drA, ptA, admin]) expect((await callJson(`${calls}${early}/`, { as: caller })).status).toBe(200);
    // The same 404 as a missing call: nobody learns which ids are someone's.
    for (const caller of [ptB, stranger]) {
      expect(await callJson(`${calls}${early}/`, { as: caller })).toEqual({ status: 404, body: { error: "Video call not found" } });
    }
  });

  it("finds no call for unknown ids or in-person sessions, and points Twilio ones at the appointments API", async () => {
    expect(await callJson(`${calls}999999/`, { as: admin })).toEqual({ status: 404, body: { error: "Video call not found" } });
    expect(await callJson(`${calls}${inPerson}/`, { as: drA })).toEqual({ status: 404, body: { error: "Video call not found" } });
    expect(await callJson(`${calls}${twilio}/`, { as: drA })).toEqual({
      status: 400,
      body: { error: `This appointment uses Twilio video: use the appointments API, /api/appointments/video-token/${twilio}/` },
    });
  });
});
