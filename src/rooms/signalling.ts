import type { RoomEvent } from "../providers/room-event";
import type { SocketHolder } from "./socket-requests";

/**
 * The built-in provider's signalling, as rules on plain values: who a signalling socket is, what
 * may be relayed, how a connection becomes a room event, and why a socket is closed. The room
 * object (room-object.ts) applies them to its WebSockets.
 */

/** One party's signalling connection, kept as its WebSocket's attachment (it survives hibernation). */
export type SignallingParty = SocketHolder & {
  /** Unique per socket: the participant key, as a Twilio ParticipantSid is per connection. */
  connectionId: string;
  /** When the join window closes (epoch ms): the socket is closed then. */
  closesAt: number;
};

/** What the server sends a signalling socket. `peer` is the other party, by the identity presence uses. */
export type SignallingMessage =
  | { type: "welcome"; peer: { identity: string } | null }
  | { type: "peer-joined" | "peer-left"; peer: { identity: string } }
  | { type: "signal"; data: SignalData };

type SessionDescription = { type: "offer" | "answer" | "pranswer" | "rollback"; sdp?: string };
type IceCandidate = { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null; usernameFragment?: string | null };
/** An offer or answer, or one ICE candidate (null: the end of candidates). */
export type SignalData = { description: SessionDescription } | { candidate: IceCandidate | null };

/** An SDP with a few dozen candidates stays far below this; anything bigger is not a signal. */
export const MAX_SIGNAL_BYTES = 64 * 1024;
const descriptionTypes = new Set(["offer", "answer", "pranswer", "rollback"]);

/**
 * What the other party receives for one message from a party: the signal rebuilt from its known
 * fields only (nothing else a page sends reaches the other page), or undefined when the message
 * is not a signal.
 *
 * @example relayedSignal('{"type":"signal","data":{"description":{"type":"offer","sdp":"v=0…"}}}') // { type: "signal", data: { description: { type: "offer", sdp: "v=0…" } } }
 */
export function relayedSignal(message: string | ArrayBuffer): SignallingMessage | undefined {
  if (typeof message !== "string" || message.length > MAX_SIGNAL_BYTES) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || parsed.type !== "signal" || !isRecord(parsed.data)) return undefined;
  const data = signalData(parsed.data);
  return data ? { type: "signal", data } : undefined;
}

function signalData(data: Record<string, unknown>): SignalData | undefined {
  if ("description" in data) {
    const { description } = data;
    if (!isRecord(description) || typeof description.type !== "string" || !descriptionTypes.has(description.type)) return undefined;
    if (description.sdp !== undefined && typeof description.sdp !== "string") return undefined;
    const type = description.type as SessionDescription["type"];
    return { description: description.sdp === undefined ? { type } : { type, sdp: description.sdp } };
  }
  if ("candidate" in data) {
    const { candidate } = data;
    if (candidate === null) return { candidate: null };
    if (!isRecord(candidate) || typeof candidate.candidate !== "string") return undefined;
    return {
      candidate: {
        candidate: candidate.candidate,
        sdpMid: typeof candidate.sdpMid === "string" ? candidate.sdpMid : null,
        sdpMLineIndex: typeof candidate.sdpMLineIndex === "number" ? candidate.sdpMLineIndex : null,
        usernameFragment: typeof candidate.usernameFragment === "string" ? candidate.usernameFragment : null,
      },
    };
  }
  return undefined;
}

/**
 * A party's signalling connection opening or closing, as a room event for the same reducer the
 * providers' webhooks feed. Its id is derived from the connection, so reporting it twice (the
 * close handler after a takeover already reported it) changes nothing.
 */
export function connectionEvent(party: SignallingParty, kind: "participant-connected" | "participant-disconnected", at: number): RoomEvent {
  return {
    id: `webrtc:${party.connectionId}:${kind === "participant-connected" ? "connected" : "disconnected"}`,
    provider: "webrtc",
    kind,
    at,
    roomName: party.roomName,
    // Our own room has no separate instance id: its name is its id.
    roomSid: party.roomName,
    participant: { key: party.connectionId, identity: String(party.userId) },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
