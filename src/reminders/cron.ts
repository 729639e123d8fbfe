import type { Config } from "../base/config";
import { type DuePlanning, recordDueReminders } from "./due-reminders";
import { enqueueOpenReminders } from "./enqueue";

export type CronSummary = DuePlanning & { queued: number };

/**
 * The every-minute pass (Cron Trigger): writes the reminders that fell due, then queues every
 * open ledger row, which includes notices whose enqueue after the request never happened.
 */
export async function runReminderCron(env: Pick<Env, "DB" | "REMINDERS_QUEUE">, config: Config, now: number): Promise<CronSummary> {
  const planning = await recordDueReminders(env.DB, config.reminderOffsets, now);
  const queued = await enqueueOpenReminders(env.DB, env.REMINDERS_QUEUE, now);
  const summary = { ...planning, queued };
  console.log(JSON.stringify({ event: "reminder_cron", now, ...summary }));
  return summary;
}
