import type { LiveMessage } from "../api/types";

/**
 * Who is in the session's room according to the server (the room Durable Object, fed by the
 * providers' webhooks), and whether the session was called off. Read from the live-events
 * WebSocket; before joining it is the only way to know that the other person is waiting.
 */
export interface RoomPresence {
  /** Participant sid → identity, connected now. */
  connected: ReadonlyMap<string, string>;
  /** The last call-level event, if any arrived since the page opened. */
  callEvent: "cancelled" | "ended" | null;
  /** True once the first status message arrived: until then, presence is unknown, not empty. */
  known: boolean;
}

export const unknownPresence: RoomPresence = { connected: new Map(), callEvent: null, known: false };

export function presenceReducer(state: RoomPresence, message: LiveMessage): RoomPresence {
  switch (message.type) {
    case "status": {
      const connected = new Map(message.data.participants.filter((p) => p.status === "connected").map((p) => [p.sid, p.identity] as const));
      return { ...state, connected, known: true };
    }
    case "participant.joined":
      return { ...state, connected: new Map(state.connected).set(message.participant.sid, message.participant.identity) };
    case "participant.left": {
      const connected = new Map(state.connected);
      connected.delete(message.participant.sid);
      return { ...state, connected };
    }
    case "call.cancelled":
      return { ...state, callEvent: "cancelled" };
    case "call.ended":
      return { ...state, callEvent: "ended", connected: new Map() };
    case "call.started":
      return state;
  }
}

/**
 * Whether a provider identity is the viewer's own: Twilio identities are `<user id>-<email>`
 * (src/http/twilio-video/token-response.ts), Agora's and the built-in WebRTC provider's are the
 * user id itself.
 */
export function isOwnIdentity(identity: string, userId: number): boolean {
  return identity === String(userId) || identity.startsWith(`${userId}-`);
}

/** Whether anyone but the viewer is in the room now. */
export function othersPresent(presence: RoomPresence, userId: number): boolean {
  return [...presence.connected.values()].some((identity) => !isOwnIdentity(identity, userId));
}
