import { badRequest } from "../base/errors";
import { startOfZonedDay } from "../time/zoned";

export type DateFilters = { from?: string; to?: string; month?: string; year?: string };
export type StartRange = { startsFrom?: number; startsBefore?: number };

/**
 * The instants a set of calendar filters covers in the viewer's zone: `from`..`to` inclusive
 * whole days, a month, a year. Several filters narrow each other.
 */
export function startRangeInZone(filters: DateFilters, timeZone: string): StartRange {
  const ranges: StartRange[] = [];
  const day = (date: string, plusDays = 0) => {
    const [y, m, d] = date.split("-").map(Number) as [number, number, number];
    const next = new Date(Date.UTC(y, m - 1, d + plusDays));
    return startOfZonedDay(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), timeZone);
  };
  if (filters.from) ranges.push({ startsFrom: day(filters.from) });
  if (filters.to) ranges.push({ startsBefore: day(filters.to, 1) });
  if (filters.month) {
    const [y, m] = filters.month.split("-").map(Number) as [number, number];
    ranges.push({
      startsFrom: startOfZonedDay(y, m, 1, timeZone),
      startsBefore: startOfZonedDay(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, 1, timeZone),
    });
  }
  if (filters.year) {
    const y = Number(filters.year);
    ranges.push({ startsFrom: startOfZonedDay(y, 1, 1, timeZone), startsBefore: startOfZonedDay(y + 1, 1, 1, timeZone) });
  }
  const range: StartRange = {};
  for (const r of ranges) {
    if (r.startsFrom !== undefined) range.startsFrom = Math.max(range.startsFrom ?? -Infinity, r.startsFrom);
    if (r.startsBefore !== undefined) range.startsBefore = Math.min(range.startsBefore ?? Infinity, r.startsBefore);
  }
  if (filters.from && filters.to && filters.from > filters.to) {
    throw badRequest("The start date is after the end date");
  }
  return range;
}
