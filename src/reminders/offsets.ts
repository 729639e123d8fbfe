/** The reminder lead times used when `REMINDER_OFFSETS` is unset: 24 hours, 1 hour, 15 minutes. */
export const DEFAULT_REMINDER_OFFSETS = "1440,60,15";

/** A week: further ahead than that a reminder stops reminding anyone of anything. */
const MAX_OFFSET_MINUTES = 7 * 24 * 60;

/**
 * Parses `REMINDER_OFFSETS`, minutes before the start at which reminders go out, into distinct
 * offsets, largest first. Unset or blank means the default. Bad config throws at start-up
 * rather than silently dropping a reminder later.
 *
 * @example parseReminderOffsets("15, 1440,60") // [1440, 60, 15]
 */
export function parseReminderOffsets(config: string | undefined): number[] {
  const source = config?.trim() ? config : DEFAULT_REMINDER_OFFSETS;
  const offsets = source.split(",").map((part) => part.trim());
  for (const part of offsets) {
    if (!/^\d+$/.test(part) || Number(part) < 1 || Number(part) > MAX_OFFSET_MINUTES) {
      throw invalidOffsets(source, `"${part}" is not a whole number of minutes from 1 to ${MAX_OFFSET_MINUTES}`);
    }
  }
  const minutes = offsets.map(Number);
  if (new Set(minutes).size !== minutes.length) throw invalidOffsets(source, "an offset is listed twice");
  return minutes.sort((a, b) => b - a);
}

function invalidOffsets(config: string, problem: string): Error {
  return new Error(`REMINDER_OFFSETS must be comma-separated minutes before the start, like "${DEFAULT_REMINDER_OFFSETS}"; in "${config}" ${problem}`);
}
