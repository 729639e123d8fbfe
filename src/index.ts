import { app } from "./app";
import { handleReminderQueue } from "./reminders/consumer";
import { runReminderCron } from "./reminders/cron";

export { RoomObject } from "./rooms/room-object";

export default {
  fetch: app.fetch,
  async scheduled(controller, env) {
    await runReminderCron(env, Math.floor(controller.scheduledTime / 1000));
  },
  queue: (batch, env) => handleReminderQueue(batch, env),
} satisfies ExportedHandler<Env>;
