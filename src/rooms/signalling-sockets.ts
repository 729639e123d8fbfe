import type { RoomEvent } from "../providers/room-event";
import { connectionEvent, type SignallingMessage, type SignallingParty } from "./signalling";
import { endSocket, type SocketEndCause } from "./socket-ends";
import { socketTags } from "./socket-requests";

export type SignallingSocket = { ws: WebSocket; party: SignallingParty };

/**
 * A party connects: an earlier socket of theirs (another tab, or a page reloaded before its old
 * socket closed) is told it was replaced and closed; they hear whether the other party is here,
 * and the other party hears they joined. Returns the end that goes back to the browser and the
 * room events: the replaced connections' ends, then this one's start.
 */
export function admitSignallingSocket(
  ctx: DurableObjectState,
  party: SignallingParty,
  now: number,
): { client: WebSocket; events: RoomEvent[] } {
  const replaced = openSignallingSockets(ctx).filter((socket) => socket.party.userId === party.userId);
  for (const socket of replaced) endSocket(socket.ws, "replaced");
  const peers = openSignallingSockets(ctx).filter((socket) => socket.party.userId !== party.userId);
  const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
  ctx.acceptWebSocket(server, [socketTags.signalling]);
  server.serializeAttachment(party);
  send(server, { type: "welcome", peer: peers[0] ? { identity: String(peers[0].party.userId) } : null });
  for (const peer of peers) send(peer.ws, { type: "peer-joined", peer: { identity: String(party.userId) } });
  const ended = replaced.map((socket) => connectionEvent(socket.party, "participant-disconnected", now));
  return { client, events: [...ended, connectionEvent(party, "participant-connected", now)] };
}

/**
 * A socket closed: when it was a party's signalling, the other party hears it (unless the same
 * person is still here in another socket), and its connection's end is the room event returned.
 */
export function signallingSocketClosed(ctx: DurableObjectState, ws: WebSocket, now: number): RoomEvent[] {
  const party = signallingPartyOf(ctx, ws);
  if (!party) return [];
  const open = openSignallingSockets(ctx, ws);
  if (!open.some((socket) => socket.party.userId === party.userId)) {
    for (const peer of open) send(peer.ws, { type: "peer-left", peer: { identity: String(party.userId) } });
  }
  return [connectionEvent(party, "participant-disconnected", now)];
}

/** Hands one party's signal to the other party's socket, and to nobody else. */
export function relayToOtherParty(ctx: DurableObjectState, from: WebSocket, party: SignallingParty, signal: SignallingMessage): void {
  for (const peer of openSignallingSockets(ctx, from)) if (peer.party.userId !== party.userId) send(peer.ws, signal);
}

/**
 * Closes signalling sockets with the cause the pages show: every one, or `userId`'s only, or those
 * `cause` picks; returns their connections' ends.
 */
export function endSignallingSockets(
  ctx: DurableObjectState,
  cause: (party: SignallingParty) => SocketEndCause | undefined,
  now: number,
): RoomEvent[] {
  return openSignallingSockets(ctx).flatMap((socket) => {
    const ending = cause(socket.party);
    if (!ending) return [];
    endSocket(socket.ws, ending);
    return [connectionEvent(socket.party, "participant-disconnected", now)];
  });
}

/** Why a party's signalling must end by now, if it must: the join window closed, or their token expired. */
export function lapsed(party: SignallingParty, now: number): SocketEndCause | undefined {
  if (now >= party.closesAt) return "closed";
  return now >= party.expiresAt ? "expired" : undefined;
}

/** The signalling sockets still open, but for `except` (the one closing as we look). */
export function openSignallingSockets(ctx: DurableObjectState, except?: WebSocket): SignallingSocket[] {
  return ctx
    .getWebSockets(socketTags.signalling)
    .filter((ws) => ws !== except && ws.readyState === WebSocket.OPEN)
    .map((ws) => ({ ws, party: ws.deserializeAttachment() as SignallingParty }));
}

/** The party behind a socket when it is a signalling socket; undefined for a live-events socket. */
export function signallingPartyOf(ctx: DurableObjectState, ws: WebSocket): SignallingParty | undefined {
  return ctx.getTags(ws).includes(socketTags.signalling) ? (ws.deserializeAttachment() as SignallingParty) : undefined;
}

function send(ws: WebSocket, message: SignallingMessage): void {
  try {
    ws.send(JSON.stringify(message));
  } catch {
    // Closing as we send: its close handler tidies up.
  }
}
