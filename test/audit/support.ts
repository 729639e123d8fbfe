import { env } from "cloudflare:test";
import { vi } from "vitest";
import type { AuditEventRow } from "../../src/audit/queries";

/** Every stored audit event about any of these appointments or users (as actor or subject), oldest first. */
export async function auditRows(about: { appointments?: number[]; users?: number[] }): Promise<AuditEventRow[]> {
  const appointments = JSON.stringify(about.appointments ?? []);
  const users = JSON.stringify(about.users ?? []);
  const { results } = await env.DB.prepare(
    `SELECT * FROM audit_events
     WHERE appointment_id IN (SELECT value FROM json_each(?1))
        OR actor_id IN (SELECT value FROM json_each(?2)) OR subject_user_id IN (SELECT value FROM json_each(?2))
     ORDER BY id`,
  )
    .bind(appointments, users)
    .all<AuditEventRow>();
  return results;
}

/**
 * Events are written after each answer (`waitUntil`): waits until `count` are stored, so a test
 * can take its steps in order and read them back in that order.
 */
export async function untilStored(about: Parameters<typeof auditRows>[0], count: number): Promise<AuditEventRow[]> {
  return vi.waitFor(
    async () => {
      const rows = await auditRows(about);
      if (rows.length !== count) throw new Error(`${count} audit events expected, stored: ${rows.map((row) => row.action).join(", ")}`);
      return rows;
    },
    { timeout: 5000 },
  );
}

/** "action actor appointment subject outcome", with ids replaced by the names a test gives them and "-" for none. */
export function auditLine(row: AuditEventRow, names: Record<string, string>): string {
  const name = (kind: string, id: number | null) => (id === null ? "-" : (names[`${kind}:${id}`] ?? `${kind}:${id}`));
  return [
    row.action,
    row.actor_id === null ? row.actor_role : name("user", row.actor_id),
    name("appointment", row.appointment_id),
    name("user", row.subject_user_id),
    row.outcome,
  ].join(" ");
}
