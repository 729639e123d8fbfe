import type { ScheduleItem } from "../api/types";

export type BadgeTone = "open" | "live" | "neutral" | "muted" | "stopped";

/**
 * A session's badge: always a word (and an icon) first, colour only as a second cue.
 * Cancelled and completed win over the clock; otherwise the clock says where it stands.
 */
export function badgeFor(item: Pick<ScheduleItem, "status" | "session_status">): { label: string; tone: BadgeTone } {
  if (item.status === "cancelled") return { label: "Cancelled", tone: "stopped" };
  if (item.status === "completed") return { label: "Completed", tone: "muted" };
  switch (item.session_status) {
    case "joinable":
      return { label: "Open — you can join", tone: "open" };
    case "in_progress":
      return { label: "In progress", tone: "live" };
    case "ended":
      return { label: "Ended", tone: "muted" };
    case "upcoming":
      return { label: item.status === "confirmed" ? "Confirmed" : "Scheduled", tone: "neutral" };
  }
}
