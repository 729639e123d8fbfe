import { apiJson } from "./http";
import type { Me, Page, ScheduleItem } from "./types";

export const getMe = (token: string, signal?: AbortSignal) => apiJson<Me>("/api/users/me", { token, signal });

/**
 * The caller's sessions from today (in their own time zone, which is how the server reads the
 * date filter) onwards. Past sessions are of no use on a page whose job is to get you into the next one.
 */
export function getSchedule(token: string, me: Me, today: string, signal?: AbortSignal): Promise<Page<ScheduleItem>> {
  const role = me.role === "psychologist" ? "psychologist" : "patient";
  const query = new URLSearchParams({ start_date: today, page_size: "50" });
  return apiJson<Page<ScheduleItem>>(`/api/appointments/${role}/schedule/?${query}`, { token, signal });
}
