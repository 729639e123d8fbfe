/**
 * Why the server closes a room's WebSocket: a close code and the sentence the page shows. The
 * call ending is a normal close (1000): nothing went wrong, and a page that reconnects hears the
 * room's status. The rest are the application's own codes (4000-4999). Signalling sockets end for
 * every cause but `ended` (a built-in room ends only once nobody is connected); live-events
 * sockets when the call ends and for the causes that end the holder's access (cancelled, revoked, expired).
 */
export const socketEnd = {
  ended: { code: 1000, reason: "The call has ended" },
  replaced: { code: 4001, reason: "This session was opened in another tab or window" },
  cancelled: { code: 4003, reason: "This session was cancelled" },
  moved: { code: 4004, reason: "This session has moved to a new time" },
  closed: { code: 4005, reason: "This session's video room has closed" },
  expired: { code: 4006, reason: "Your sign-in has expired: reconnect to continue" },
  revoked: { code: 4007, reason: "Your access to this session has been withdrawn" },
} as const;
export type SocketEndCause = keyof typeof socketEnd;

/** Closes a socket with the cause's code and sentence; a socket already closed is left alone. */
export function endSocket(ws: WebSocket, cause: SocketEndCause): void {
  try {
    ws.close(socketEnd[cause].code, socketEnd[cause].reason);
  } catch {
    // Already closed.
  }
}
