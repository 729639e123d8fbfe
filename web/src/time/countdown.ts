/**
 * "12:03" or "1:02:03" for what is left until an instant. Rounds up, so the display says 0:01
 * until the very moment, never 0:00 while the door is still shut.
 */
export function formatCountdown(remainingMs: number): string {
  const total = Math.max(0, Math.ceil(remainingMs / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const mmss = `${String(minutes).padStart(hours > 0 ? 2 : 1, "0")}:${String(seconds).padStart(2, "0")}`;
  return hours > 0 ? `${hours}:${mmss}` : mmss;
}

/** The same wait in words, for a screen reader's `aria-label`: "12 minutes 3 seconds". */
export function describeCountdown(remainingMs: number): string {
  const total = Math.max(0, Math.ceil(remainingMs / 1000));
  const parts: Array<[number, string]> = [
    [Math.floor(total / 3600), "hour"],
    [Math.floor((total % 3600) / 60), "minute"],
    [total % 60, "second"],
  ];
  const words = parts.filter(([n]) => n > 0).map(([n, unit]) => `${n} ${unit}${n === 1 ? "" : "s"}`);
  return words.length ? words.join(" ") : "0 seconds";
}

/**
 * A wall-clock time in the viewer's own zone, "10:45" (or "10:45 AM" where that is the custom).
 * `timeZone` is for tests; pages use the browser's zone.
 */
export function formatClockTime(epochMs: number, options: { locale?: string; timeZone?: string } = {}): string {
  return new Intl.DateTimeFormat(options.locale, { hour: "numeric", minute: "2-digit", timeZone: options.timeZone }).format(epochMs);
}

/** "Tue 24 Nov, 10:45": when a session is, for a list or a heading. */
export function formatWhen(epochMs: number, options: { locale?: string; timeZone?: string } = {}): string {
  return new Intl.DateTimeFormat(options.locale, {
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "numeric",
    minute: "2-digit",
    timeZone: options.timeZone,
  }).format(epochMs);
}
