/** Deletes audit events older than the retention period (the cron's one delete on the table). */
export async function pruneAuditEvents(db: D1Database, retentionDays: number, now: number): Promise<number> {
  const { meta } = await db
    .prepare("DELETE FROM audit_events WHERE at < ?")
    .bind(now - retentionDays * 24 * 60 * 60)
    .run();
  return meta.changes;
}
