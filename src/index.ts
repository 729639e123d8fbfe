import { configOf } from "./base/config";
import { app } from "./http/app";
import { handleReminderQueue } from "./reminders/consumer";
import { runReminderCron } from "./reminders/cron";

export { RoomObject } from "./rooms/room-object";

export default {
  fetch: app.fetch,
  async scheduled(controller, env) {
    await runReminderCron(env, configOf(env), Math.floor(controller.scheduledTime / 1000));
  },
  queue: (batch, env) => handleReminderQueue(batch, env.DB, configOf(env)),
} satisfies ExportedHandler<Env>;
