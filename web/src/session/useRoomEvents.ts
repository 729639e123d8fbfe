import { useEffect, useReducer } from "preact/hooks";
import type { LiveMessage } from "../api/types";
import { sessionEndingOf } from "../video/adapter";
import { presenceReducer, type RoomPresence, unknownPresence } from "./presence";

/**
 * Live presence from `GET /api/appointments/video-events/<id>/` (a WebSocket). Browsers cannot
 * set Authorization on a WebSocket, so the JWT goes as the subprotocol pair ["bearer", jwt],
 * which the server answers with "bearer". A dropped socket reconnects with backoff; each new
 * socket starts with a full status, so nothing missed in between is lost.
 */
export function useRoomEvents(appointmentId: number | null, token: string | null): RoomPresence {
  const [presence, dispatch] = useReducer(presenceReducer, unknownPresence);

  useEffect(() => {
    if (appointmentId === null || !token) return;
    let socket: WebSocket | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let keepAlive: ReturnType<typeof setInterval> | undefined;
    let attempts = 0;
    let closed = false;

    const open = () => {
      const url = new URL(`/api/appointments/video-events/${appointmentId}/`, location.href);
      url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
      socket = new WebSocket(url, ["bearer", token]);
      socket.onopen = () => {
        attempts = 0;
      };
      socket.onmessage = (event) => {
        if (typeof event.data !== "string" || event.data === "pong") return;
        try {
          dispatch(JSON.parse(event.data) as LiveMessage);
        } catch {
          // Not a message of ours; ignore rather than break the page.
        }
      };
      socket.onclose = ({ code }) => {
        // A sign-in that expired or access withdrawn ends this token's access: another socket with it would be refused.
        const ending = sessionEndingOf(code);
        if (closed || ending === "expired" || ending === "revoked") return;
        attempts += 1;
        retry = setTimeout(open, Math.min(30_000, 1000 * 2 ** Math.min(attempts, 5)));
      };
    };
    open();
    // Proxies close idle sockets; the room object answers "ping" without waking up.
    keepAlive = setInterval(() => socket?.readyState === WebSocket.OPEN && socket.send("ping"), 25_000);
    return () => {
      closed = true;
      clearTimeout(retry);
      clearInterval(keepAlive);
      socket?.close();
    };
  }, [appointmentId, token]);

  return presence;
}
