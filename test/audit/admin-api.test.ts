import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { type AuditEvent, auditEvent, writeAuditEvents } from "../../src/audit/record";
import { callJson } from "../support/api";
import { createUser } from "../support/fixtures";
import { isoOf } from "../support/time";
import { untilStored } from "./support";

const T = Date.UTC(2031, 2, 1) / 1000;
const HOUR = 3600;

/** A stored story about appointment `appointmentId`: booked, read twice, a token refused, one issued, an hour apart. */
async function storedStory(appointmentId: number, patientId: number, psychologistId: number): Promise<AuditEvent[]> {
  const patient = { id: patientId, role: "patient" } as const;
  const events = [
    auditEvent("appointment.booked", { id: psychologistId, role: "psychologist" }, { appointmentId }, T),
    auditEvent("appointment.read", patient, { appointmentId }, T + HOUR),
    auditEvent("appointment.read", { id: psychologistId, role: "psychologist" }, { appointmentId }, T + 2 * HOUR),
    auditEvent("token.refused", patient, { appointmentId, outcome: "400:not_open_yet" }, T + 3 * HOUR),
    auditEvent("token.issued", patient, { appointmentId }, T + 4 * HOUR),
  ];
  await writeAuditEvents(env.DB, events);
  return events;
}

describe("GET /api/admin/audit-events/", () => {
  it("lets an admin filter by appointment, actor, action and time, newest first, a page at a time", async () => {
    const [admin, patient, psychologist] = await Promise.all([createUser("admin"), createUser("patient"), createUser("psychologist")]);
    const appointmentId = 900_001;
    await storedStory(appointmentId, patient.id, psychologist.id);
    const list = (query: string) => callJson(`/api/admin/audit-events/?appointment_id=${appointmentId}&${query}`, { as: admin });

    const all = await list("");
    expect(all.status).toBe(200);
    expect(all.body.count).toBe(5);
    expect(all.body.results.map((event: any) => event.action)).toEqual([
      "token.issued",
      "token.refused",
      "appointment.read",
      "appointment.read",
      "appointment.booked",
    ]);
    expect(all.body.results[1]).toEqual({
      id: expect.any(Number),
      at: isoOf(T + 3 * HOUR),
      actor_id: patient.id,
      actor_role: "patient",
      action: "token.refused",
      appointment_id: appointmentId,
      subject_user_id: null,
      outcome: "400:not_open_yet",
    });

    const byActor = await list(`actor_id=${patient.id}`);
    expect(byActor.body.results.map((event: any) => event.action)).toEqual(["token.issued", "token.refused", "appointment.read"]);
    const reads = await list("action=appointment.read");
    expect(reads.body.results.map((event: any) => event.actor_id)).toEqual([psychologist.id, patient.id]);
    // `from` is inclusive, `to` exclusive: the second and third hours only.
    const window = await list(`from=${isoOf(T + HOUR)}&to=${isoOf(T + 3 * HOUR)}`);
    expect(window.body.results.map((event: any) => event.at)).toEqual([isoOf(T + 2 * HOUR), isoOf(T + HOUR)]);

    const first = await list("page_size=2");
    expect(first.body).toMatchObject({ count: 5, previous: null });
    expect(first.body.results).toHaveLength(2);
    const second = await callJson(first.body.next.replace("http://api.test", ""), { as: admin });
    expect(second.body.results.map((event: any) => event.action)).toEqual(["appointment.read", "appointment.read"]);
    expect(second.body.next).toContain(`appointment_id=${appointmentId}`);
    expect((await list("page=4&page_size=2")).status).toBe(404);
  });

  it("records each read of the trail itself, by the admin who read it", async () => {
    const admin = await createUser("admin");
    expect((await callJson("/api/admin/audit-events/?action=token.refused", { as: admin })).status).toBe(200);
    const [read] = await untilStored({ users: [admin.id] }, 1);
    expect(read).toMatchObject({ action: "audit.read", actor_id: admin.id, actor_role: "admin", outcome: "ok" });
  });

  it("refuses everyone but admins with 403, recording the attempt, and unknown filters with a 400 naming the field", async () => {
    const admin = await createUser("admin");
    for (const role of ["patient", "psychologist"] as const) {
      const caller = await createUser(role);
      expect(await callJson("/api/admin/audit-events/", { as: caller })).toEqual({ status: 403, body: { error: "Permission denied" } });
      const [attempt] = await untilStored({ users: [caller.id] }, 1);
      expect(attempt).toMatchObject({ action: "audit.read", actor_id: caller.id, actor_role: role, outcome: "403" });
    }
    const badAction = await callJson("/api/admin/audit-events/?action=everything", { as: admin });
    expect(badAction.status).toBe(400);
    expect(Object.keys(badAction.body.details)).toEqual(["action"]);
    const badTime = await callJson("/api/admin/audit-events/?from=yesterday", { as: admin });
    expect(badTime.status).toBe(400);
    expect(Object.keys(badTime.body.details)).toEqual(["from"]);
  });
});
