import type { LiveMessage } from "./live-messages";
import { endSocket, type SocketEndCause } from "./socket-ends";
import { type SocketHolder, socketTags } from "./socket-requests";

export type EventsSocket = { ws: WebSocket; holder: SocketHolder };

/** A dashboard's live-events socket: its holder kept as the attachment, its first message the room's status. */
export function acceptEventsSocket(ctx: DurableObjectState, holder: SocketHolder, status: LiveMessage): WebSocket {
  const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
  ctx.acceptWebSocket(server, [socketTags.events]);
  server.serializeAttachment(holder);
  server.send(JSON.stringify(status));
  return client;
}

/**
 * Live-events sockets a room keeps at once: a party's dashboard, session page and a spare tab or
 * two each, and a ceiling for the room. (Signalling is one socket per party already.)
 */
export const MAX_EVENTS_SOCKETS_PER_USER = 4;
export const MAX_EVENTS_SOCKETS_PER_ROOM = 16;

/** Why one more live-events socket for `userId` would be one too many, if it would. */
export function eventsSocketCapRefusal(open: readonly EventsSocket[], userId: number): string | undefined {
  if (open.filter((socket) => socket.holder.userId === userId).length >= MAX_EVENTS_SOCKETS_PER_USER)
    return `At most ${MAX_EVENTS_SOCKETS_PER_USER} live connections per person to one session: close another tab first`;
  if (open.length >= MAX_EVENTS_SOCKETS_PER_ROOM) return "This session has too many live connections";
  return undefined;
}

export function openEventsSockets(ctx: DurableObjectState): EventsSocket[] {
  return ctx
    .getWebSockets(socketTags.events)
    .filter((ws) => ws.readyState === WebSocket.OPEN)
    .map((ws) => ({ ws, holder: ws.deserializeAttachment() as SocketHolder }));
}

/** Closes the live-events sockets `cause` gives a reason for. */
export function endEventsSockets(ctx: DurableObjectState, cause: (holder: SocketHolder) => SocketEndCause | undefined): void {
  for (const { ws, holder } of openEventsSockets(ctx)) {
    const ending = cause(holder);
    if (ending) endSocket(ws, ending);
  }
}

/** Sends each message to every live-events socket. */
export function broadcastToEventsSockets(ctx: DurableObjectState, messages: LiveMessage[]): void {
  const sockets = ctx.getWebSockets(socketTags.events);
  for (const message of messages) {
    const text = JSON.stringify(message);
    for (const ws of sockets) {
      try {
        ws.send(text);
      } catch {
        // A socket closing as we send; its close handler tidies up.
      }
    }
  }
}
