import type { ClosedReason, VideoSession } from "../api/types";

/**
 * Which way the room is shut, or null while it is open. The API says why in words
 * (`join_window.closed_reason`, for people); the page tells the cases apart from the structured
 * fields the words come from: the status, the window's bounds and the server's clock.
 */
export function roomClosure(session: Pick<VideoSession, "status" | "join_window">): ClosedReason | null {
  const window = session.join_window;
  if (window.closed_reason === null && window.can_join_now) return null;
  if (session.status === "cancelled") return "cancelled";
  if (session.status === "completed") return "completed";
  const now = Date.parse(window.server_time);
  if (now < Date.parse(window.opens_at)) return "not_open_yet";
  if (now >= Date.parse(window.closes_at)) return "closed";
  // Open by the clock and the status, yet shut: the only other reason is an in-person session.
  return "not_telehealth";
}
