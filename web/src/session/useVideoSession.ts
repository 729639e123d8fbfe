import { useCallback, useEffect, useState } from "preact/hooks";
import { ApiError } from "../api/http";
import type { VideoSession } from "../api/types";
import { getVideoSession } from "../api/video-sessions";
import { type ServerClock, serverClockFrom } from "../time/server-clock";

export type SessionLoad =
  | { status: "loading" }
  | { status: "loaded"; session: VideoSession; clock: ServerClock }
  | { status: "not-found" }
  | { status: "unauthorized" }
  | { status: "error"; message: string };

/**
 * The session as the server sees it now (`GET /api/video-sessions/<room>/`), with the offset of
 * the server's clock. `reload` reads it again (when the room opens, the connection appears).
 */
export function useVideoSession(roomName: string, token: string | null): { load: SessionLoad; reload: () => Promise<void> } {
  const [load, setLoad] = useState<SessionLoad>({ status: "loading" });

  const reload = useCallback(async () => {
    if (!token) return;
    try {
      const session = await getVideoSession(roomName, token);
      setLoad({ status: "loaded", session, clock: serverClockFrom(session.join_window.server_time, Date.now()) });
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) setLoad({ status: "not-found" });
      else if (error instanceof ApiError && error.status === 401) setLoad({ status: "unauthorized" });
      // A failed re-read keeps what we had: the page stays usable on a flaky network.
      else
        setLoad((current) =>
          current.status === "loaded"
            ? current
            : { status: "error", message: error instanceof Error ? error.message : "Could not load the session" },
        );
    }
  }, [roomName, token]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return { load, reload };
}
