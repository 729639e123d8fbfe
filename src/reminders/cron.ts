import type { Config } from "../base/config";
import { type DuePlanning, recordDueReminders } from "./due-reminders";
import { enqueueOpenReminders } from "./enqueue";
import { returnExpiredClaims } from "./ledger-claims";

export type CronSummary = DuePlanning & { leasesExpired: number; queued: number };

/**
 * The every-minute pass (Cron Trigger): writes the reminders that fell due, returns claims whose
 * lease ran out to pending, then queues every pending ledger row, which includes notices whose
 * enqueue after the request never happened and rows a crashed consumer left behind.
 */
export async function runReminderCron(env: Pick<Env, "DB" | "REMINDERS_QUEUE">, config: Config, now: number): Promise<CronSummary> {
  const planning = await recordDueReminders(env.DB, config.reminderOffsets, now);
  const leasesExpired = await returnExpiredClaims(env.DB, now);
  const queued = await enqueueOpenReminders(env.DB, env.REMINDERS_QUEUE, now);
  console.log(JSON.stringify({ event: "reminder_cron", now, ...planning, leases_expired: leasesExpired, queued }));
  return { ...planning, leasesExpired, queued };
}
