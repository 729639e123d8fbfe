import { describe, expect, it } from "vitest";
import { DEFAULT_REMINDER_OFFSETS, parseReminderOffsets } from "../../src/reminders/offsets";

describe("parseReminderOffsets", () => {
  it("reads the configured minutes, largest first, tolerating spaces", () => {
    expect(parseReminderOffsets("1440,60,15")).toEqual([1440, 60, 15]);
    expect(parseReminderOffsets(" 15, 1440 ,60 ")).toEqual([1440, 60, 15]);
    expect(parseReminderOffsets("30")).toEqual([30]);
  });

  it("falls back to 24 h, 1 h and 15 min when unset or blank", () => {
    expect(DEFAULT_REMINDER_OFFSETS).toBe("1440,60,15");
    expect(parseReminderOffsets(undefined)).toEqual([1440, 60, 15]);
    expect(parseReminderOffsets("  ")).toEqual([1440, 60, 15]);
  });

  it.each([
    ["1440,,15", '"" is not a whole number'],
    ["1440,1h,15", '"1h" is not a whole number'],
    ["60,-15", '"-15" is not a whole number'],
    ["0", '"0" is not a whole number'],
    ["7.5", '"7.5" is not a whole number'],
    ["10081", '"10081" is not a whole number of minutes from 1 to 10080'],
    ["60,15,60", "an offset is listed twice"],
  ])("rejects %j with a message naming the problem", (config, problem) => {
    expect(() => parseReminderOffsets(config)).toThrow(problem);
    expect(() => parseReminderOffsets(config)).toThrow(`REMINDER_OFFSETS must be comma-separated minutes before the start, like "1440,60,15"; in "${config}"`);
  });
});
