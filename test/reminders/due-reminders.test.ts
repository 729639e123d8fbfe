import { describe, expect, it } from "vitest";
import { parseMailbox } from "../../src/reminders/compose";
import { dueStartRanges, plannedReminders } from "../../src/reminders/due-reminders";
import { planReminders } from "../../src/reminders/reminder-plan";

const now = 1_900_000_000;

describe("dueStartRanges", () => {
  it("gives each offset the starts for which it is the latest reminder due, tiling the look-ahead", () => {
    expect(dueStartRanges([15, 1440, 60], now)).toEqual([
      { offsetMinutes: 1440, startsAfter: now + 3600, startsAtOrBefore: now + 86_400 },
      { offsetMinutes: 60, startsAfter: now + 900, startsAtOrBefore: now + 3600 },
      { offsetMinutes: 15, startsAfter: now, startsAtOrBefore: now + 900 },
    ]);
  });
});

describe("plannedReminders", () => {
  it("writes planReminders' decisions for every start in a range: send and skip now, schedule later", () => {
    const offsets = [1440, 60, 15];
    for (const range of dueStartRanges(offsets, now)) {
      for (const startsAt of [
        range.startsAfter + 1,
        Math.floor((range.startsAfter + range.startsAtOrBefore) / 2),
        range.startsAtOrBefore,
      ]) {
        const planned = plannedReminders([{ id: 1, starts_at: startsAt }], offsets, now);
        const decisions = planReminders({ startsAt, now, offsets }).filter((d) => d.action !== "schedule");
        expect(planned.map((p) => [p.offsetMinutes, p.skipReason])).toEqual(
          decisions.map((d) => [d.offsetMinutes, d.action === "skip" ? d.reason : null]),
        );
        // The range's own offset is always among them: the cron never looks at an appointment for nothing.
        expect(planned.map((p) => p.offsetMinutes)).toContain(range.offsetMinutes);
      }
    }
  });
});

describe("parseMailbox", () => {
  it("reads the organizer from EMAIL_FROM", () => {
    expect(parseMailbox("Practice <no-reply@practice.example.com>")).toEqual({ name: "Practice", email: "no-reply@practice.example.com" });
    expect(parseMailbox('"Dr. Smith, PhD" <smith@example.com>')).toEqual({ name: "Dr. Smith, PhD", email: "smith@example.com" });
    expect(parseMailbox("no-reply@example.com")).toEqual({ name: "no-reply@example.com", email: "no-reply@example.com" });
  });
});
