/**
 * The call's one state machine: every screen and every announcement of the session page is a
 * function of this state, and every provider, WebSocket or user happening is one of its events.
 * Pure, so it is tested without a browser (call-machine.test.ts).
 *
 *   lobby ──join──▶ connecting ──connected──▶ waiting ◀──remote-left── in-call
 *     ▲                 │                        └──────remote-joined─────▲
 *     └─connect-failed──┘          reconnecting ⇄ (waiting | in-call)
 *   any ──leave / call-cancelled / call-moved / call-ended / taken-over / dropped──▶ ended
 *   any ──sign-in-expired / access-withdrawn──▶ ended
 */

export type CallPhase = "lobby" | "connecting" | "waiting" | "in-call" | "reconnecting" | "ended";
export type EndReason = "left" | "cancelled" | "moved" | "ended" | "elsewhere" | "dropped" | "expired" | "revoked";

export interface CallState {
  phase: CallPhase;
  /** Provider identities of the others connected to the media room now. */
  remotes: readonly string[];
  /** Someone was in the call with us and left: waiting means waiting for them to come back. */
  counterpartLeft: boolean;
  /**
   * Re-entering with a fresh token after the provider refused an expired one. Invisible on
   * purpose: the screen keeps showing the phase we were in.
   */
  rejoining: boolean;
  /** With phase "ended". */
  endReason?: EndReason;
  /** Why the last join failed (lobby) or the call dropped (ended). */
  error?: string;
}

export type CallEvent =
  | { type: "join" }
  | { type: "connected"; remotes: readonly string[] }
  | { type: "connect-failed"; message: string }
  | { type: "remote-joined"; identity: string }
  | { type: "remote-left"; identity: string }
  | { type: "reconnecting" }
  | { type: "reconnected" }
  /** The provider dropped us because our token expired: fetch a fresh one and rejoin silently. */
  | { type: "token-expired" }
  /** The provider dropped us for any other reason. */
  | { type: "dropped"; message: string }
  | { type: "leave" }
  | { type: "call-cancelled" }
  /** The session moved to a new time: this room is not where it happens any more. */
  | { type: "call-moved" }
  | { type: "call-ended" }
  /** The same person opened the session in another tab or window, which carries the call now. */
  | { type: "taken-over" }
  /** The caller's own sign-in (the page's token) expired: rejoining needs a new one, not a retry. */
  | { type: "sign-in-expired" }
  /** The caller's access to the session was withdrawn (their account deactivated). */
  | { type: "access-withdrawn" };

export const initialCallState: CallState = { phase: "lobby", remotes: [], counterpartLeft: false, rejoining: false };

const connectedPhases: ReadonlySet<CallPhase> = new Set(["waiting", "in-call", "reconnecting"]);

/** In the media room or on the way in: what `leave` must tear down. */
export function isActive(state: CallState): boolean {
  return state.phase === "connecting" || connectedPhases.has(state.phase);
}

export function callReducer(state: CallState, event: CallEvent): CallState {
  switch (event.type) {
    case "join":
      // A dropped call can be rejoined from its end screen; a left, cancelled or ended one cannot.
      return state.phase === "lobby" || (state.phase === "ended" && state.endReason === "dropped")
        ? { ...initialCallState, phase: "connecting" }
        : state;
    case "connected":
      if (state.phase !== "connecting" && !state.rejoining) return state;
      return settle({ ...state, remotes: [...event.remotes], rejoining: false });
    case "connect-failed":
      if (state.rejoining) return ended(state, "dropped", event.message);
      return state.phase === "connecting" ? { ...initialCallState, error: event.message } : state;
    case "remote-joined":
      if (!connectedPhases.has(state.phase) || state.remotes.includes(event.identity)) return state;
      return settle({ ...state, remotes: [...state.remotes, event.identity], counterpartLeft: false });
    case "remote-left": {
      if (!connectedPhases.has(state.phase) || !state.remotes.includes(event.identity)) return state;
      const remotes = state.remotes.filter((identity) => identity !== event.identity);
      return settle({ ...state, remotes, counterpartLeft: remotes.length === 0 });
    }
    case "reconnecting":
      return state.phase === "waiting" || state.phase === "in-call" ? { ...state, phase: "reconnecting" } : state;
    case "reconnected":
      return state.phase === "reconnecting" ? settle(state) : state;
    case "token-expired":
      return connectedPhases.has(state.phase) ? { ...settle(state), rejoining: true } : state;
    case "dropped":
      return isActive(state) ? ended(state, "dropped", event.message) : state;
    case "leave":
      return state.phase === "ended" ? state : ended(state, "left");
    case "call-cancelled":
    case "call-moved": {
      const reason = event.type === "call-cancelled" ? "cancelled" : "moved";
      return state.phase === "ended" && state.endReason !== "dropped" ? state : ended(state, reason);
    }
    case "call-ended":
      // In the lobby the room's end is old news (the room reopens on the next join, while the
      // window is open); in a call it is the end of the session.
      return isActive(state) ? ended(state, "ended") : state;
    case "taken-over":
      return isActive(state) ? ended(state, "elsewhere") : state;
    case "sign-in-expired":
    case "access-withdrawn":
      return isActive(state) ? ended(state, event.type === "sign-in-expired" ? "expired" : "revoked") : state;
  }
}

/** Waiting or in the call, by whether anyone else is in the room. */
function settle(state: CallState): CallState {
  return { ...state, phase: state.remotes.length > 0 ? "in-call" : "waiting" };
}

function ended(state: CallState, endReason: EndReason, error?: string): CallState {
  return {
    ...state,
    phase: "ended",
    endReason,
    rejoining: false,
    remotes: [],
    ...(error === undefined ? { error: undefined } : { error }),
  };
}
