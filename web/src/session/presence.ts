import type { LiveMessage, RoomParticipant } from "../api/types";

/**
 * Who is in the session's room according to the server (the room Durable Object, fed by the
 * providers' webhooks), and whether the session was called off. Read from the live-events
 * WebSocket; before joining it is the only way to know that the other person is waiting.
 */
export interface RoomPresence {
  /** Participant sid → who, connected now. */
  connected: ReadonlyMap<string, Present>;
  /** The last call-level event, if any arrived since the page opened. */
  callEvent: "cancelled" | "ended" | null;
  /** True once the first status message arrived: until then, presence is unknown, not empty. */
  known: boolean;
}

/** A participant as the server names them: `user_id` comes with opaque identities. */
type Present = Pick<RoomParticipant, "identity" | "user_id">;

export const unknownPresence: RoomPresence = { connected: new Map(), callEvent: null, known: false };

export function presenceReducer(state: RoomPresence, message: LiveMessage): RoomPresence {
  switch (message.type) {
    case "status": {
      const connected = new Map(message.data.participants.filter((p) => p.status === "connected").map((p) => [p.sid, present(p)] as const));
      return { ...state, connected, known: true };
    }
    case "participant.joined":
      return { ...state, connected: new Map(state.connected).set(message.participant.sid, present(message.participant)) };
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

const present = ({ identity, user_id }: Present): Present => ({ identity, user_id });

/**
 * Whether a provider identity is the viewer's own: Twilio identities are `<user id>-<email>`
 * (src/http/twilio-video/token-response.ts), Agora's and the built-in WebRTC provider's are the
 * user id itself. Opaque Twilio identities say nothing: presence reads the server's `user_id` then.
 */
export function isOwnIdentity(identity: string, userId: number): boolean {
  return identity === String(userId) || identity.startsWith(`${userId}-`);
}

/** Whether anyone but the viewer is in the room now. */
export function othersPresent(presence: RoomPresence, userId: number): boolean {
  return [...presence.connected.values()].some((who) =>
    who.user_id === undefined ? !isOwnIdentity(who.identity, userId) : who.user_id !== userId,
  );
}
