import type { ScheduleItem } from "../api/types";

/** How often the schedule is re-read anyway (status changes, cancellations, new bookings). */
export const POLL_MS = 30_000;
/** The server opens a session's room this long before its start (src/appointments/join-window.ts). */
export const JOIN_OPENS_BEFORE_S = 15 * 60;
/** Ask a little after the server's flip, never a little before it. */
const FLIP_SLACK_MS = 1000;

/**
 * Delay until the schedule should be read again: the regular poll, or sooner when a session's
 * room opens before then, so its Join button turns on at T−15 min rather than up to 30 s late.
 * Uses the server's own countdown (`time_until_start_seconds`), not the device's clock.
 */
export function nextPollDelay(items: readonly ScheduleItem[]): number {
  const flips = items
    .filter((item) => !item.can_join_session && item.video_room_id && item.status !== "cancelled" && item.status !== "completed")
    .map((item) => (item.time_until_start_seconds - JOIN_OPENS_BEFORE_S) * 1000 + FLIP_SLACK_MS)
    .filter((delay) => delay > 0);
  return Math.min(POLL_MS, ...flips);
}

/** What the dashboard lists: sessions still ahead or under way, and cancelled ones that were still ahead. */
export function upcoming(items: readonly ScheduleItem[]): ScheduleItem[] {
  return items.filter((item) => item.session_status !== "ended" || (item.status === "cancelled" && item.time_until_start_seconds > 0));
}

/** Today's date (YYYY-MM-DD) in the viewer's profile zone, for the schedule's start_date filter. */
export function todayIn(timeZone: string, now: number = Date.now()): string {
  try {
    // en-CA writes dates as YYYY-MM-DD.
    return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
  } catch {
    return new Date(now).toISOString().slice(0, 10);
  }
}

/** A day earlier than `todayIn`: a device clock a little off must not hide a session starting now. */
export function startDateFilter(timeZone: string, now: number = Date.now()): string {
  return todayIn(timeZone, now - 24 * 3600_000);
}
