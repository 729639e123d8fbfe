import { callerActiveIn, callerActiveStatement } from "../users/queries";
import type { AuditAction } from "./record";

export type AuditEventRow = {
  id: number;
  at: number;
  actor_id: number | null;
  actor_role: string;
  action: AuditAction;
  appointment_id: number | null;
  subject_user_id: number | null;
  outcome: string;
};

/** The admin API's filters; times are unix seconds, `from` inclusive and `to` exclusive. */
export type AuditFilter = { appointmentId?: number; actorId?: number; action?: AuditAction; from?: number; to?: number };

/** One page of events matching every given filter, newest first, with the total, in one round trip. */
export async function listAuditEvents(
  db: D1Database,
  filter: AuditFilter,
  page: { limit: number; offset: number },
  callerId: number,
): Promise<{ count: number; rows: AuditEventRow[]; callerActive: number | null }> {
  const conditions: Array<[string, number | string | undefined]> = [
    ["appointment_id = ?", filter.appointmentId],
    ["actor_id = ?", filter.actorId],
    ["action = ?", filter.action],
    ["at >= ?", filter.from],
    ["at < ?", filter.to],
  ];
  const given = conditions.filter(([, value]) => value !== undefined);
  const where = given.length > 0 ? `WHERE ${given.map(([sql]) => sql).join(" AND ")}` : "";
  const values = given.map(([, value]) => value);
  const [count, rows, caller] = await db.batch([
    db.prepare(`SELECT COUNT(*) AS count FROM audit_events ${where}`).bind(...values),
    db.prepare(`SELECT * FROM audit_events ${where} ORDER BY at DESC, id DESC LIMIT ? OFFSET ?`).bind(...values, page.limit, page.offset),
    callerActiveStatement(db, callerId),
  ]);
  return {
    count: (count?.results[0] as { count: number } | undefined)?.count ?? 0,
    rows: (rows?.results ?? []) as AuditEventRow[],
    callerActive: callerActiveIn(caller),
  };
}
