import { pruneAuditEvents } from "./audit/retention";
import { configOf } from "./base/config";
import { app } from "./http/app";
import { forgetExpiredIdempotencyKeys } from "./http/idempotency/idempotency-records";
import { handleReminderQueue } from "./reminders/consumer";
import { runReminderCron } from "./reminders/cron";

export { RoomObject } from "./rooms/room-object";

export default {
  fetch: app.fetch,
  async scheduled(controller, env) {
    const now = Math.floor(controller.scheduledTime / 1000);
    const config = configOf(env);
    await runReminderCron(env, config, now);
    await forgetExpiredIdempotencyKeys(env.DB, now);
    await pruneAuditEvents(env.DB, config.auditRetentionDays, now);
  },
  queue: (batch, env) => handleReminderQueue(batch, env.DB, configOf(env)),
} satisfies ExportedHandler<Env>;
