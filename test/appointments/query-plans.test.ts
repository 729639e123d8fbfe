import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { clashes, withParties } from "../../src/appointments/queries";

async function plan(sql: string, ...values: unknown[]): Promise<string> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...values)
    .all<{ detail: string }>();
  return results.map((r) => r.detail).join("\n");
}

/** The queries the API runs most, checked against the indexes the migration promises. */
describe("query plans", () => {
  it("lists one party's appointments by index, in start order without a sort", async () => {
    // The statement listAppointments runs for a party's list or schedule with a start filter.
    const detail = await plan(
      `${withParties} WHERE a.psychologist_id = ? AND a.starts_at >= ? ORDER BY a.starts_at, a.id LIMIT ? OFFSET ?`,
      1,
      0,
      50,
      0,
    );
    expect(detail).toContain("USING INDEX appointments_psychologist_start (psychologist_id=? AND starts_at>?)");
    expect(detail).not.toContain("TEMP B-TREE");
    const patientDetail = await plan(`${withParties} WHERE a.patient_id = ? ORDER BY a.starts_at, a.id LIMIT ? OFFSET ?`, 1, 50, 0);
    expect(patientDetail).toContain("USING INDEX appointments_patient_start (patient_id=?)");
  });

  it("checks clashes through both parties' indexes", async () => {
    // The very clause that booking, rescheduling and findClash embed.
    const detail = await plan(clashes, 0, 1, 2, 100, 0, 0);
    expect(detail).toContain("appointments_psychologist_start");
    expect(detail).toContain("appointments_patient_start");
    expect(detail).not.toMatch(/SCAN o\b(?! USING)/);
  });

  it("scans time ranges for admins by the start index", async () => {
    expect(await plan("SELECT * FROM appointments WHERE starts_at >= ? AND starts_at < ? ORDER BY starts_at", 0, 1)).toContain(
      "USING INDEX appointments_start",
    );
  });
});
