import type { CallState } from "./call-machine";
import { endings } from "./endings";

export interface AnnouncementContext {
  /** The other party's name, as the session endpoint gives it. */
  counterpart: string;
  /** From the live events: the other person is in the room (before we join). */
  counterpartInRoom: boolean;
  /** False until the room opens (the lobby says so; the countdown itself is not announced every second). */
  roomOpen: boolean;
}

/**
 * The one sentence the page's single `role="status"` region says about the call. Everything a
 * sighted person learns from the screen's state is here in words, so no state lives in colour
 * or layout alone.
 */
export function callAnnouncement(state: CallState, context: AnnouncementContext): string {
  const name = context.counterpart;
  switch (state.phase) {
    case "lobby":
      if (state.error) return `Could not join: ${state.error}`;
      if (!context.roomOpen) return "The room is not open yet";
      return context.counterpartInRoom ? `${name} is already in the room` : `Waiting for ${name}`;
    case "connecting":
      return "Joining the session…";
    case "waiting":
      return state.counterpartLeft ? `${name} left — waiting for them to rejoin` : `You're in the room. Waiting for ${name} to join`;
    case "in-call":
      return `In the call with ${name}`;
    case "reconnecting":
      return "Reconnecting… the session is still active";
    case "ended":
      return endings[state.endReason ?? "left"].title;
  }
}
