import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AuditEventRow } from "../../src/audit/queries";
import { deliver, ledgerRows, parties, providerStandIns } from "../reminders/support";
import { inRoom, twilioParams } from "../rooms/room-fixtures";
import { callJson } from "../support/api";
import { createAppointment, createUser, isoInMinutes } from "../support/fixtures";
import { useOutboundStandIn } from "../support/outbound";
import { postTwilio } from "../webhooks/signed-webhooks";
import { auditLine, auditRows, untilStored } from "./support";

const outbound = useOutboundStandIn();
providerStandIns(outbound);

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Hands an appointment's pending notices of one kind to the consumer one by one, in ledger order (psychologist first). */
async function deliverNotices(appointmentId: number, kind: string) {
  const pending = (await ledgerRows(appointmentId)).filter((row) => row.kind === kind && row.status === "pending");
  for (const row of pending) await deliver([row.id], { now: nowSeconds() });
}

describe("the audit trail", () => {
  it("records who did what to which appointment, in order, by ids and outcome codes, with no name, contact detail or token in any column", async () => {
    const admin = await createUser("admin", { name: "Root Admin" });
    // Email only: each notice is one row per party.
    const who = await parties({ psychologist: { whatsapp_opt_in: false }, patient: { whatsapp_opt_in: false } });
    const { psychologist, patient } = who;
    const users = [admin.id, psychologist.id, patient.id];
    // Each step's events are written after its answer: wait for them before the next step, so the trail's order is the steps'.
    let stored = 0;
    const step = (events: number) => {
      stored += events;
      return untilStored({ users }, stored);
    };

    const book = (minutesAhead: number) =>
      callJson("/api/appointments/", {
        method: "POST",
        as: psychologist,
        body: {
          patient_id: patient.id,
          appointment_date: isoInMinutes(minutesAhead),
          duration_minutes: 50,
          session_type: "telehealth",
          video_provider: "twilio",
          service_name: "Trauma intake",
        },
      });
    const soon = await book(10);
    expect(soon.status).toBe(201);
    await step(1);
    // The patient turns email off before the confirmation goes out: theirs is skipped, with the reason.
    expect((await callJson("/api/users/me", { method: "PUT", as: patient, body: { email_opt_in: false } })).status).toBe(200);
    await deliverNotices(soon.body.id, "booked");
    await step(2);
    expect((await callJson(`/api/appointments/${soon.body.id}/`, { as: patient })).status).toBe(200);
    await step(1);
    expect((await callJson("/api/appointments/patient/schedule/", { as: patient })).status).toBe(200);
    await step(1);
    const token = await callJson(`/api/appointments/video-token/${soon.body.id}/`, { as: patient });
    expect(token.status).toBe(200);
    await step(1);

    const tomorrow = await book(24 * 60);
    await step(1);
    const refused = await callJson(`/api/appointments/video-token/${tomorrow.body.id}/`, { as: patient });
    expect(refused.status).toBe(400);
    await step(1);
    const cancel = await callJson(`/api/appointments/${tomorrow.body.id}/`, {
      method: "PATCH",
      as: patient,
      body: { status: "cancelled" },
    });
    expect(cancel.status).toBe(200);
    await step(2);

    const sync = await callJson(`/api/admin/users/${patient.id}/`, {
      method: "PUT",
      as: admin,
      body: { email: patient.email, role: "patient", name: patient.name, phone: "+15550000299" },
    });
    expect(sync.status).toBe(200);
    await step(1);
    expect((await callJson("/api/admin/audit-events/", { as: admin })).status).toBe(200);
    const rows = await step(1);

    const names = {
      [`user:${admin.id}`]: "admin",
      [`user:${psychologist.id}`]: "psychologist",
      [`user:${patient.id}`]: "patient",
      [`appointment:${soon.body.id}`]: "soon",
      [`appointment:${tomorrow.body.id}`]: "tomorrow",
    };
    expect(rows.map((row) => auditLine(row, names))).toEqual([
      "appointment.booked psychologist soon - ok",
      "reminder.sent system soon psychologist ok",
      "reminder.skipped system soon patient email_not_opted_in",
      "appointment.read patient soon - ok",
      "schedule.read patient - - ok",
      "token.issued patient soon - ok",
      "appointment.booked psychologist tomorrow - ok",
      "token.refused patient tomorrow - 400:not_open_yet",
      "appointment.cancelled patient tomorrow - ok",
      "access.revoked patient tomorrow - cancelled",
      "user.synced admin - patient ok",
      "audit.read admin - - ok",
    ]);

    const everyColumn = JSON.stringify(rows);
    const phi = [
      admin.name,
      psychologist.name,
      patient.name,
      psychologist.email,
      patient.email,
      "+15550000101",
      "+15550000201",
      "+15550000299",
      "Trauma intake",
      token.body.access_token,
      refused.body.error,
    ];
    expect(phi.every(Boolean)).toBe(true);
    expect(phi.filter((text) => everyColumn.includes(text))).toEqual([]);
  }, 30_000);

  it("records joins and leaves reported by the provider by user id, though the participant's identity carries an email", async () => {
    const [psychologist, patient] = await Promise.all([createUser("psychologist"), createUser("patient")]);
    const row = await createAppointment({ psychologist, patient, startsInMinutes: 5, videoProvider: "twilio" });
    const participant = { sid: "PA00000000000000000000000000000009", identity: `${patient.id}-${patient.email}` };
    const now = Date.now();
    for (const [event, at, sequence] of [
      ["room-created", now - 60_000, 0],
      ["participant-connected", now - 50_000, 1],
      ["participant-disconnected", now - 10_000, 2],
    ] as const) {
      const params = twilioParams(event, at, sequence, event === "room-created" ? undefined : participant);
      expect((await postTwilio(inRoom(params, row.video_room_id!))).status).toBe(200);
    }

    const rows = await untilStored({ appointments: [row.id] }, 2);
    expect(rows.map((event) => auditLine(event, { [`user:${patient.id}`]: "patient", [`appointment:${row.id}`]: "session" }))).toEqual([
      "room.joined system session patient ok",
      "room.left system session patient ok",
    ]);
    expect(rows.map((event) => event.at)).toEqual([Math.floor((now - 50_000) / 1000), Math.floor((now - 10_000) / 1000)]);
    expect(JSON.stringify(rows)).not.toContain(patient.email);
  });

  it("refuses to rewrite history: the table takes no UPDATE", async () => {
    const patient = await createUser("patient");
    expect((await callJson("/api/users/me", { as: patient })).status).toBe(200);
    const [event] = await untilStored({ users: [patient.id] }, 1);
    await expect(
      env.DB.prepare("UPDATE audit_events SET outcome = 'ok', actor_id = NULL WHERE id = ?").bind(event!.id).run(),
    ).rejects.toThrow(/append-only/);
    expect(await auditRows({ users: [patient.id] })).toEqual([event]);
  });
});

describe("the audit trail under concurrent requests", () => {
  it("stores every request's event when many answer at once and their rows are written together", async () => {
    const [psychologist, patient] = await Promise.all([createUser("psychologist"), createUser("patient")]);
    const sessions = await Promise.all(
      Array.from({ length: 4 }, () => createAppointment({ psychologist, patient, startsInMinutes: 5, videoProvider: "twilio" })),
    );
    const later = await createAppointment({ psychologist, patient, startsInMinutes: 600, videoProvider: "twilio" });
    // Each party asks for every session's token three times at once, and for one too early.
    const asked = [...sessions, later].flatMap((row) => [psychologist, patient].flatMap((party) => [1, 2, 3].map(() => ({ row, party }))));
    const answers = await Promise.all(asked.map(({ row, party }) => callJson(`/api/appointments/video-token/${row.id}/`, { as: party })));
    expect(answers.map(({ status }) => status)).toEqual(asked.map(({ row }) => (row === later ? 400 : 200)));

    const rows = await untilStored({ appointments: [...sessions, later].map((row) => row.id) }, asked.length);
    const names: Record<string, string> = { [`user:${psychologist.id}`]: "psychologist", [`user:${patient.id}`]: "patient" };
    for (const [i, row] of sessions.entries()) names[`appointment:${row.id}`] = `session ${i}`;
    names[`appointment:${later.id}`] = "later";
    const expected = asked.map(({ row, party }) =>
      auditLine(
        {
          action: row === later ? "token.refused" : "token.issued",
          actor_id: party.id,
          actor_role: party.role,
          appointment_id: row.id,
          subject_user_id: null,
          outcome: row === later ? "400:not_open_yet" : "ok",
        } as AuditEventRow,
        names,
      ),
    );
    expect(rows.map((row) => auditLine(row, names)).sort()).toEqual(expected.sort());
  });
});

describe("the audit trail of the video session page", () => {
  it("records its reads and the connections it hands out by the session's appointment, and a refusal by its code", async () => {
    const [clinician, client] = await Promise.all([createUser("psychologist"), createUser("patient")]);
    const session = await createAppointment({ psychologist: clinician, patient: client, startsInMinutes: 5, videoProvider: "webrtc" });
    const later = await createAppointment({ psychologist: clinician, patient: client, startsInMinutes: 600, videoProvider: "webrtc" });
    const path = (row: typeof session) => `/api/video-sessions/${row.video_room_id}/`;
    expect((await callJson(path(session), { as: client })).status).toBe(200);
    expect((await callJson(`${path(session)}refresh/`, { method: "POST", as: client })).status).toBe(200);
    expect((await callJson(`${path(later)}refresh/`, { method: "POST", as: client })).status).toBe(400);
    const rows = await untilStored({ appointments: [session.id, later.id] }, 3);
    const names = { [`user:${client.id}`]: "patient", [`appointment:${session.id}`]: "now", [`appointment:${later.id}`]: "later" };
    expect(rows.map((row) => auditLine(row, names))).toEqual([
      "appointment.read patient now - ok",
      "token.issued patient now - ok",
      "token.refused patient later - 400:not_open_yet",
    ]);
  });
});
