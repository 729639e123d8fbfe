/**
 * Which reminders of one appointment go out now, later, or never. Every "never" carries a
 * reason, because the ledger records it: no reminder may disappear silently.
 *
 * The rule, per offset (minutes before the start), checked in this order:
 * 1. At or after the start nothing is sent: `appointment_started`.
 * 2. Before its due time (start − offset) it is scheduled for that time.
 * 3. Once a smaller offset is also due, only the smallest applies; the rest are
 *    `superseded_by_later_reminder`. This is what keeps a "tomorrow" message from arriving an
 *    hour before the session after downtime or a late booking.
 * 4. It is sent only inside its grace window after the due time (see `graceWindowSeconds`);
 *    later it is `grace_window_passed`, because a stale reminder misleads more than none.
 */

export type SkipReason = "appointment_started" | "superseded_by_later_reminder" | "grace_window_passed";

export type ReminderDecision =
  | { offsetMinutes: number; action: "send" }
  | { offsetMinutes: number; action: "schedule"; sendAt: number }
  | { offsetMinutes: number; action: "skip"; reason: SkipReason };

export interface ReminderPlanInput {
  /** Unix seconds. */
  startsAt: number;
  /** Unix seconds. */
  now: number;
  /** Minutes before the start, as from `parseReminderOffsets`. */
  offsets: readonly number[];
}

const MIN_GRACE_SECONDS = 10 * 60;
const MAX_GRACE_SECONDS = 3 * 60 * 60;

/**
 * How late a reminder may still go out: a third of its lead time, at least 10 minutes and at
 * most 3 hours, so 24 h → 3 h, 1 h → 20 min, 15 min → 10 min. The start cuts every window
 * short, so a short offset never spills into the session.
 */
export function graceWindowSeconds(offsetMinutes: number): number {
  return Math.min(MAX_GRACE_SECONDS, Math.max(MIN_GRACE_SECONDS, (offsetMinutes * 60) / 3));
}

/**
 * Decides every offset of one appointment at `now`: the cron planner sends the `send` ones; a
 * booking or a catch-up after downtime also queues the `schedule` ones and records the skips.
 *
 * @example
 * planReminders({ startsAt, now: startsAt - 30 * 60, offsets: [1440, 60, 15] })
 * // 1440 superseded_by_later_reminder, 60 grace_window_passed, 15 schedule at startsAt - 900
 */
export function planReminders({ startsAt, now, offsets }: ReminderPlanInput): ReminderDecision[] {
  const dueAt = (offsetMinutes: number) => startsAt - offsetMinutes * 60;
  const smallestDue = Math.min(...offsets.filter((offset) => dueAt(offset) <= now));
  return offsets.map((offsetMinutes): ReminderDecision => {
    const skip = (reason: SkipReason): ReminderDecision => ({ offsetMinutes, action: "skip", reason });
    if (now >= startsAt) return skip("appointment_started");
    if (now < dueAt(offsetMinutes)) return { offsetMinutes, action: "schedule", sendAt: dueAt(offsetMinutes) };
    if (offsetMinutes > smallestDue) return skip("superseded_by_later_reminder");
    if (now >= dueAt(offsetMinutes) + graceWindowSeconds(offsetMinutes)) return skip("grace_window_passed");
    return { offsetMinutes, action: "send" };
  });
}
