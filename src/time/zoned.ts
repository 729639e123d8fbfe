/**
 * Time-zone arithmetic on top of Intl, the only tz database in the Workers runtime.
 * All instants are unix seconds; zones are IANA names.
 */

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** An instant's date and time fields in a zone; formatters are cached because constructing one is costly. */
export function formatPartsInZone(epochSeconds: number, timeZone: string, options: Intl.DateTimeFormatOptions, locale = "en-US") {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const part of zonedFormatter(timeZone, options, locale).formatToParts(new Date(epochSeconds * 1000))) {
    parts[part.type] = part.value;
  }
  return parts;
}

function zonedFormatter(timeZone: string, options: Intl.DateTimeFormatOptions, locale: string): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${JSON.stringify(options)}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    formatters.set(key, formatter);
  }
  return formatter;
}

/** The zone's offset from UTC at an instant, in seconds (east positive). */
export function zoneOffsetSeconds(epochSeconds: number, timeZone: string): number {
  const p = formatPartsInZone(epochSeconds, timeZone, {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  });
  const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  return asUtc / 1000 - epochSeconds;
}

/**
 * The instant a local calendar date starts in a zone: local midnight, or where a DST change
 * skips midnight, the first instant of that date. The zone's offsets half a day either side
 * are the only candidates; the earliest one that falls on the date wins.
 */
export function startOfZonedDay(year: number, month: number, day: number, timeZone: string): number {
  const wallClock = Date.UTC(year, month - 1, day) / 1000;
  const candidates = [-43200, 43200].map((shift) => wallClock - zoneOffsetSeconds(wallClock + shift, timeZone)).sort((a, b) => a - b);
  const wanted = `${year}-${month}-${day}`;
  return candidates.find((instant) => zonedDateKey(instant, timeZone) === wanted) ?? candidates[0]!;
}

function zonedDateKey(epochSeconds: number, timeZone: string): string {
  const p = formatPartsInZone(epochSeconds, timeZone, { year: "numeric", month: "numeric", day: "numeric" });
  return `${p.year}-${p.month}-${p.day}`;
}
