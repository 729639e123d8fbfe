import { formatPartsInZone } from "../time/zoned";

/**
 * Appointment times as a recipient reads them, in their own zone. Assembled from parts because
 * newer ICU puts a narrow no-break space before "AM", which WhatsApp and tests should not see.
 */

const DATE_TIME_PARTS: Intl.DateTimeFormatOptions = {
  weekday: "long",
  month: "long",
  day: "numeric",
  hour: "numeric",
  minute: "2-digit",
  hour12: true,
};
const CALENDAR_DAY_PARTS: Intl.DateTimeFormatOptions = { year: "numeric", month: "numeric", day: "numeric" };

/** "Monday, November 15 at 11:00 AM" in `timeZone`. */
export function localDateTime(epochSeconds: number, timeZone: string): string {
  const p = formatPartsInZone(epochSeconds, timeZone, DATE_TIME_PARTS);
  return `${p.weekday}, ${p.month} ${p.day} at ${p.hour}:${p.minute} ${p.dayPeriod}`;
}

/** "11:00 AM" in `timeZone`. */
export function localTime(epochSeconds: number, timeZone: string): string {
  const p = formatPartsInZone(epochSeconds, timeZone, DATE_TIME_PARTS);
  return `${p.hour}:${p.minute} ${p.dayPeriod}`;
}

/**
 * "today", "tomorrow" or "in N days": calendar days in `timeZone`, not 24-hour spans, since
 * across a DST change "24 hours before" can fall two local dates earlier.
 */
export function relativeDay(from: number, to: number, timeZone: string): string {
  const days = localDayNumber(to, timeZone) - localDayNumber(from, timeZone);
  if (days === 0) return "today";
  if (days === 1) return "tomorrow";
  return `in ${days} days`;
}

function localDayNumber(epochSeconds: number, timeZone: string): number {
  const p = formatPartsInZone(epochSeconds, timeZone, CALENDAR_DAY_PARTS);
  return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day)) / 86_400_000;
}
