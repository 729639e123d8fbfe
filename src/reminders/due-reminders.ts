import { findUnplannedAppointments, type PlannedMessage, recordPlannedMessages, type StartRange } from "./ledger";
import { planReminders } from "./reminder-plan";

/**
 * For each offset, the starts for which it is the latest reminder due at `now`:
 * (now + next smaller offset, now + offset]. The ranges tile the next `max offset` minutes, so
 * every upcoming appointment is looked at under exactly one offset per cron run.
 *
 * @example dueStartRanges([1440, 60, 15], now) // 1440: (now+60m, now+24h], 60: (now+15m, now+60m], 15: (now, now+15m]
 */
export function dueStartRanges(offsets: readonly number[], now: number): StartRange[] {
  const sorted = [...offsets].sort((a, b) => b - a);
  return sorted.map((offsetMinutes, i) => ({
    offsetMinutes,
    startsAfter: now + (sorted[i + 1] ?? 0) * 60,
    startsAtOrBefore: now + offsetMinutes * 60,
  }));
}

/**
 * The ledger rows `planReminders` calls for at `now`: a row for every offset that is sent now or
 * skipped (with its reason); offsets still ahead get their rows when they fall due.
 */
export function plannedReminders(
  appointments: readonly { id: number | null; starts_at: number }[],
  offsets: readonly number[],
  now: number,
): PlannedMessage[] {
  return appointments.flatMap((appointment) =>
    planReminders({ startsAt: appointment.starts_at, now, offsets }).flatMap((decision): PlannedMessage[] =>
      decision.action === "schedule"
        ? []
        : [
            {
              appointmentId: appointment.id,
              startsAt: appointment.starts_at,
              kind: "reminder",
              offsetMinutes: decision.offsetMinutes,
              skipReason: decision.action === "skip" ? decision.reason : null,
              previousStartsAt: null,
            },
          ],
    ),
  );
}

export type DuePlanning = { appointments: number; pending: number; skipped: number };

/**
 * The cron's planning step: appointments that reached an offset since their last row, read by
 * start range (index appointments_start), planned, and written OR IGNORE in one transaction.
 * After downtime the same pass catches up: an overdue reminder inside its grace window is sent,
 * anything older or superseded is recorded as skipped.
 */
export async function recordDueReminders(db: D1Database, offsets: readonly number[], now: number): Promise<DuePlanning> {
  const appointments = await findUnplannedAppointments(db, dueStartRanges(offsets, now));
  const inserted = await recordPlannedMessages(db, plannedReminders(appointments, offsets, now), now);
  const pending = inserted.filter((row) => row.status === "pending").length;
  return { appointments: appointments.length, pending, skipped: inserted.length - pending };
}
