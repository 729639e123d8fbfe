import { badRequest } from "../base/errors";
import { startOfZonedDay } from "../time/zoned";

type FilterKind = "from" | "to" | "month" | "year";
export type DateFilters = Partial<Record<FilterKind, string>>;
/** The query parameter each filter was sent as, so an error names it; `month` and `year` by default. */
export type FilterParams = Partial<Record<FilterKind, string>>;
export type StartRange = { startsFrom?: number; startsBefore?: number };

/**
 * The instants a set of calendar filters covers in the viewer's zone: `from`..`to` inclusive
 * whole days, a month, a year. Several filters narrow each other; filters that leave no day at
 * all (a start after the end, a month outside the year) are a mistake, refused naming both.
 */
export function startRangeInZone(filters: DateFilters, timeZone: string, params: FilterParams = {}): StartRange {
  refuseDisjoint(filters, params);
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
  return range;
}

/**
 * Compares the filters as calendar days (YYYY-MM-DD strings order like the days they name; a
 * month's last day is at most "-31"), so the check needs no zone: the filter that starts latest
 * must not start after the one that ends earliest.
 */
function refuseDisjoint(filters: DateFilters, params: FilterParams): void {
  const bounds: Array<{ kind: FilterKind; first?: string; last?: string }> = [
    { kind: "from", first: filters.from },
    { kind: "to", last: filters.to },
    { kind: "month", first: filters.month && `${filters.month}-01`, last: filters.month && `${filters.month}-31` },
    { kind: "year", first: filters.year && `${filters.year}-01-01`, last: filters.year && `${filters.year}-12-31` },
  ];
  let latestStart: (typeof bounds)[number] | undefined;
  let earliestEnd: (typeof bounds)[number] | undefined;
  for (const bound of bounds) {
    if (bound.first && (!latestStart?.first || bound.first > latestStart.first)) latestStart = bound;
    if (bound.last && (!earliestEnd?.last || bound.last < earliestEnd.last)) earliestEnd = bound;
  }
  if (!latestStart?.first || !earliestEnd?.last || latestStart.first <= earliestEnd.last) return;
  const later = params[latestStart.kind] ?? latestStart.kind;
  const earlier = params[earliestEnd.kind] ?? earliestEnd.kind;
  const message =
    latestStart.kind === "from" && earliestEnd.kind === "to" ? "The start date is after the end date" : "The date filters leave no day";
  throw badRequest(message, { [later]: [`Later than ${earlier}`], [earlier]: [`Earlier than ${later}`] });
}
