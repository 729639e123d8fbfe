import { describe, expect, it } from "vitest";
import { formatPartsInZone, isValidTimeZone, startOfZonedDay, zoneOffsetSeconds } from "../../src/time/zoned";

const at = (iso: string) => Date.parse(iso) / 1000;

describe("zoned time", () => {
  it("knows IANA zones and rejects made-up ones", () => {
    expect(isValidTimeZone("America/New_York")).toBe(true);
    expect(isValidTimeZone("Mars/Olympus_Mons")).toBe(false);
  });

  it("gives the offset on both sides of a DST change", () => {
    expect(zoneOffsetSeconds(at("2026-03-07T12:00:00Z"), "America/New_York")).toBe(-5 * 3600);
    expect(zoneOffsetSeconds(at("2026-03-09T12:00:00Z"), "America/New_York")).toBe(-4 * 3600);
  });

  it("finds local midnight in UTC, including on the day clocks change", () => {
    expect(startOfZonedDay(2026, 3, 8, "America/New_York")).toBe(at("2026-03-08T05:00:00Z"));
    expect(startOfZonedDay(2026, 3, 9, "America/New_York")).toBe(at("2026-03-09T04:00:00Z"));
    expect(startOfZonedDay(2026, 11, 22, "Australia/Sydney")).toBe(at("2026-11-21T13:00:00Z"));
    // São Paulo once skipped midnight itself; the day then starts at the first instant that exists.
    expect(startOfZonedDay(2018, 11, 4, "America/Sao_Paulo")).toBe(at("2018-11-04T03:00:00Z"));
  });

  it("formats in the zone asked for", () => {
    expect(formatPartsInZone(at("2025-11-16T13:00:00Z"), "America/New_York", { hour: "2-digit", minute: "2-digit" })).toMatchObject({
      hour: "08",
      minute: "00",
      dayPeriod: "AM",
    });
  });
});
