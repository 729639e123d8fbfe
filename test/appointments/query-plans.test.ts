import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";

async function plan(sql: string, ...values: unknown[]): Promise<string> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...values).all<{ detail: string }>();
  return results.map((r) => r.detail).join("\n");
}

/** The queries the API runs most, checked against the indexes the migration promises. */
describe("query plans", () => {
  it("lists one party's appointments by index, in start order without a sort", async () => {
    const detail = await plan("SELECT * FROM appointments WHERE psychologist_id = ? AND starts_at >= ? ORDER BY starts_at, id LIMIT 50", 1, 0);
    expect(detail).toContain("USING INDEX appointments_psychologist_start (psychologist_id=? AND starts_at>?)");
    const patientDetail = await plan("SELECT * FROM appointments WHERE patient_id = ? ORDER BY starts_at, id", 1);
    expect(patientDetail).toContain("USING INDEX appointments_patient_start (patient_id=?)");
  });

  it("checks clashes through both parties' indexes", async () => {
    const detail = await plan(
      `SELECT 1 FROM appointments o WHERE o.status <> 'cancelled' AND o.id <> ?1
         AND (o.psychologist_id = ?2 OR o.patient_id = ?3) AND o.starts_at < ?4 AND o.ends_at > ?5`,
      0, 1, 2, 100, 0,
    );
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
