import { describe, expect, it } from "vitest";
import { graceWindowSeconds, planReminders, type ReminderDecision } from "../../src/reminders/reminder-plan";

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const startsAt = Date.parse("2026-11-16T16:00:00Z") / 1000;
const offsets = [1440, 60, 15];

const plan = (now: number) => planReminders({ startsAt, now, offsets });

describe("graceWindowSeconds", () => {
  it("is a third of the lead time, at least 10 minutes and at most 3 hours", () => {
    expect(graceWindowSeconds(1440)).toBe(3 * HOUR);
    expect(graceWindowSeconds(10080)).toBe(3 * HOUR);
    expect(graceWindowSeconds(120)).toBe(40 * MINUTE);
    expect(graceWindowSeconds(60)).toBe(20 * MINUTE);
    expect(graceWindowSeconds(15)).toBe(10 * MINUTE);
    expect(graceWindowSeconds(5)).toBe(10 * MINUTE);
  });
});

describe("planReminders", () => {
  it("sends each offset at its due time and not before, when a cron ticks every minute", () => {
    // The ledger keeps one row per offset (a unique key), so only a decision's first send counts.
    const sent: { offset: number; at: number }[] = [];
    for (let now = startsAt - 25 * HOUR; now <= startsAt + 10 * MINUTE; now += MINUTE) {
      for (const decision of plan(now)) {
        const recorded = sent.some(({ offset }) => offset === decision.offsetMinutes);
        if (decision.action === "send" && !recorded) sent.push({ offset: decision.offsetMinutes, at: now });
      }
    }
    expect(sent).toEqual([
      { offset: 1440, at: startsAt - 24 * HOUR },
      { offset: 60, at: startsAt - HOUR },
      { offset: 15, at: startsAt - 15 * MINUTE },
    ]);
  });

  it("schedules every offset at its due time until then", () => {
    expect(plan(startsAt - 24 * HOUR - 1)).toEqual<ReminderDecision[]>([
      { offsetMinutes: 1440, action: "schedule", sendAt: startsAt - 24 * HOUR },
      { offsetMinutes: 60, action: "schedule", sendAt: startsAt - HOUR },
      { offsetMinutes: 15, action: "schedule", sendAt: startsAt - 15 * MINUTE },
    ]);
    expect(plan(startsAt - 24 * HOUR)[0]).toEqual({ offsetMinutes: 1440, action: "send" });
  });

  it.each([
    [1440, 3 * HOUR],
    [60, 20 * MINUTE],
    [15, 10 * MINUTE],
  ])("sends the %i-minute reminder late only inside its grace window of %i seconds", (offset, grace) => {
    const dueAt = startsAt - offset * MINUTE;
    const decisionAt = (now: number) => plan(now).find((decision) => decision.offsetMinutes === offset);
    expect(decisionAt(dueAt + grace - 1)).toEqual({ offsetMinutes: offset, action: "send" });
    expect(decisionAt(dueAt + grace)).toEqual({ offsetMinutes: offset, action: "skip", reason: "grace_window_passed" });
  });

  it("after downtime applies only the latest overdue reminder and skips the earlier ones with a reason", () => {
    expect(plan(startsAt - 50 * MINUTE)).toEqual<ReminderDecision[]>([
      { offsetMinutes: 1440, action: "skip", reason: "superseded_by_later_reminder" },
      { offsetMinutes: 60, action: "send" },
      { offsetMinutes: 15, action: "schedule", sendAt: startsAt - 15 * MINUTE },
    ]);
    expect(plan(startsAt - 10 * MINUTE)).toEqual<ReminderDecision[]>([
      { offsetMinutes: 1440, action: "skip", reason: "superseded_by_later_reminder" },
      { offsetMinutes: 60, action: "skip", reason: "superseded_by_later_reminder" },
      { offsetMinutes: 15, action: "send" },
    ]);
  });

  it("lets a later reminder supersede an earlier one still inside its own window", () => {
    // The 80-minute window runs until 53m20s before the start.
    const close = planReminders({ startsAt, now: startsAt - HOUR, offsets: [80, 60] });
    expect(close).toEqual<ReminderDecision[]>([
      { offsetMinutes: 80, action: "skip", reason: "superseded_by_later_reminder" },
      { offsetMinutes: 60, action: "send" },
    ]);
  });

  it("never sends a 'tomorrow' reminder an hour before", () => {
    expect(plan(startsAt - HOUR)[0]).toEqual({ offsetMinutes: 1440, action: "skip", reason: "superseded_by_later_reminder" });
  });

  it("a booking 30 minutes before the start gets only the 15-minute reminder", () => {
    expect(plan(startsAt - 30 * MINUTE)).toEqual<ReminderDecision[]>([
      { offsetMinutes: 1440, action: "skip", reason: "superseded_by_later_reminder" },
      { offsetMinutes: 60, action: "skip", reason: "grace_window_passed" },
      { offsetMinutes: 15, action: "schedule", sendAt: startsAt - 15 * MINUTE },
    ]);
  });

  it("a booking 23 hours ahead gets the day-ahead reminder now and the rest on time", () => {
    expect(plan(startsAt - 23 * HOUR)).toEqual<ReminderDecision[]>([
      { offsetMinutes: 1440, action: "send" },
      { offsetMinutes: 60, action: "schedule", sendAt: startsAt - HOUR },
      { offsetMinutes: 15, action: "schedule", sendAt: startsAt - 15 * MINUTE },
    ]);
  });

  it("sends nothing at or after the start, even a reminder still inside its window", () => {
    const short = (now: number) => planReminders({ startsAt, now, offsets: [5] });
    expect(short(startsAt - 1)).toEqual([{ offsetMinutes: 5, action: "send" }]);
    expect(short(startsAt)).toEqual([{ offsetMinutes: 5, action: "skip", reason: "appointment_started" }]);
    for (const now of [startsAt, startsAt + HOUR]) {
      expect(plan(now)).toEqual(offsets.map((offsetMinutes) => ({ offsetMinutes, action: "skip", reason: "appointment_started" })));
    }
  });
});
