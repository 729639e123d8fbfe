/** How early a party may enter the room, and how long after the booked end the room stays open. */
export const joinOpensMinutesBefore = 15;
export const joinClosesMinutesAfterEnd = 30;

export type SessionTiming = {
  startsAt: number;
  durationMinutes: number;
  status: string;
  sessionType: string;
};

export type JoinWindow = {
  opensAt: number;
  closesAt: number;
  /** Why the room is closed to this appointment's parties now; undefined when it is open. */
  closedBecause?: "not_telehealth" | "cancelled" | "completed" | "not_open_yet" | "closed";
};

/**
 * The one rule for entering a session's video room: telehealth, not cancelled or completed,
 * from 15 minutes before the start until the end plus the 30-minute buffer. Schedules, tokens,
 * refreshes and joins all ask this function.
 */
export function joinWindow(session: SessionTiming, now: number): JoinWindow {
  const opensAt = session.startsAt - joinOpensMinutesBefore * 60;
  const closesAt = sessionEndsAt(session) + joinClosesMinutesAfterEnd * 60;
  const closedBecause =
    session.sessionType !== "telehealth"
      ? "not_telehealth"
      : session.status === "cancelled"
        ? "cancelled"
        : session.status === "completed"
          ? "completed"
          : now < opensAt
            ? "not_open_yet"
            : now >= closesAt
              ? "closed"
              : undefined;
  return closedBecause ? { opensAt, closesAt, closedBecause } : { opensAt, closesAt };
}

export function sessionEndsAt(session: Pick<SessionTiming, "startsAt" | "durationMinutes">): number {
  return session.startsAt + session.durationMinutes * 60;
}

export type SessionStatus = "upcoming" | "joinable" | "in_progress" | "ended";

/** Where the session stands on the clock, for dashboards' badges and timers. */
export function sessionStatus(session: SessionTiming, now: number): SessionStatus {
  if (session.status === "cancelled" || session.status === "completed") return "ended";
  // A call still live past its booked end stays in progress while the room is open.
  const end = session.status === "ongoing" ? sessionEndsAt(session) + joinClosesMinutesAfterEnd * 60 : sessionEndsAt(session);
  if (now >= end) return "ended";
  if (now >= session.startsAt) return "in_progress";
  return now >= session.startsAt - joinOpensMinutesBefore * 60 ? "joinable" : "upcoming";
}
