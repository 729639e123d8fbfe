import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { insertPlannedSql, unplannedAppointmentsSql } from "../../src/reminders/ledger";
import { claimOpenRowsSql, returnExpiredClaimsSql } from "../../src/reminders/ledger-claims";
import { recordDeliveryStatusSql } from "../../src/reminders/ledger-outcomes";

async function plan(sql: string, ...values: unknown[]): Promise<string> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...values)
    .all<{ detail: string }>();
  return results.map((r) => r.detail).join("\n");
}

/** The cron's queries stay index-only however many appointments and reminders there are. */
describe("reminder query plans", () => {
  it("finds due appointments by start range and probes the ledger by its unique key", async () => {
    const detail = await plan(unplannedAppointmentsSql, 0, 3600, 60);
    expect(detail).toContain("SEARCH a USING INDEX appointments_start (starts_at>? AND starts_at<?)");
    expect(detail).toContain(
      "USING COVERING INDEX sqlite_autoindex_reminders_1 (appointment_id=? AND starts_at=? AND kind=? AND offset_minutes=? AND sequence=?)",
    );
    expect(detail).not.toMatch(/\bSCAN (a|r)\b/);
  });

  it("writes planned rows looking up appointments and users by id", async () => {
    const detail = await plan(insertPlannedSql, "[]", 0, null);
    expect(detail).toContain("SEARCH a USING INTEGER PRIMARY KEY (rowid=?)");
    expect(detail).toContain("SEARCH u USING INTEGER PRIMARY KEY (rowid=?)");
    expect(detail).not.toMatch(/\bSCAN (a|u|appointments|users)\b/);
  });

  it("sweeps open rows through the partial index, never the whole ledger", async () => {
    const detail = await plan(claimOpenRowsSql, 0, 0, 100);
    expect(detail).toContain("SEARCH reminders USING INDEX reminders_open (queued_at<?)");
    expect(detail).not.toMatch(/\bSCAN reminders\b/);
  });

  it("sweeps expired claims through the partial index of open rows, never the whole ledger", async () => {
    const detail = await plan(returnExpiredClaimsSql, 0);
    expect(detail).toContain("USING INDEX reminders_open");
    expect(detail).not.toMatch(/\bSCAN reminders\b(?! USING INDEX reminders_open)/);
  });

  it("finds a status callback's row by message SID", async () => {
    const detail = await plan(recordDeliveryStatusSql, "SM1", "read", 0, 0, null);
    expect(detail).toContain("USING INDEX reminders_provider_message (provider_message_id=?)");
  });
});
