import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { type AppointmentFilter, appointmentListQuery, clashes } from "../../src/appointments/queries";

async function plan(sql: string, ...values: unknown[]): Promise<string> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...values)
    .all<{ detail: string }>();
  return results.map((r) => r.detail).join("\n");
}

/** The plan of the page statement `listAppointments` runs for this filter. */
async function listPlan(filter: AppointmentFilter): Promise<string> {
  const { pageSql, values } = appointmentListQuery(filter);
  return plan(pageSql, ...values, filter.limit, filter.offset);
}

const page = { limit: 50, offset: 0 };

/** The queries the API runs most, checked against the indexes the migration promises. */
describe("query plans", () => {
  it("lists one party's appointments by index, in start order without a sort", async () => {
    // A psychologist's schedule for a month, and a patient's list with a status filter.
    const schedule = await listPlan({ party: { column: "psychologist_id", id: 1 }, startsFrom: 0, startsBefore: 100, ...page });
    expect(schedule).toContain("USING INDEX appointments_psychologist_start (psychologist_id=? AND starts_at>? AND starts_at<?)");
    expect(schedule).not.toContain("TEMP B-TREE");
    const patientList = await listPlan({ party: { column: "patient_id", id: 1 }, statuses: ["scheduled"], ...page });
    expect(patientList).toContain("USING INDEX appointments_patient_start (patient_id=?)");
    expect(patientList).not.toContain("TEMP B-TREE");
  });

  it("counts a party's appointments through the same index", async () => {
    const { countSql, values } = appointmentListQuery({ party: { column: "patient_id", id: 1 }, startsFrom: 0, ...page });
    expect(await plan(countSql, ...values)).toContain("USING COVERING INDEX appointments_patient_start (patient_id=? AND starts_at>?)");
  });

  it("checks clashes through both parties' indexes", async () => {
    // The very clause that booking, rescheduling and findClash embed.
    const detail = await plan(clashes, 0, 1, 2, 100, 0, 0);
    expect(detail).toContain("appointments_psychologist_start");
    expect(detail).toContain("appointments_patient_start");
    expect(detail).not.toMatch(/SCAN o\b(?! USING)/);
  });

  it("scans time ranges for admins by the start index", async () => {
    expect(await listPlan({ startsFrom: 0, startsBefore: 1, ...page })).toContain(
      "USING INDEX appointments_start (starts_at>? AND starts_at<?)",
    );
  });
});
