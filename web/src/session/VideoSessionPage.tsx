import { useEffect } from "preact/hooks";
import { EndScreen } from "./EndScreen";
import { NoAccess } from "./NoAccess";
import { roomClosure } from "./room-closure";
import { SessionRoom } from "./SessionRoom";
import { SessionShell } from "./SessionShell";
import { useSessionAccess } from "./useSessionAccess";
import { useVideoSession } from "./useVideoSession";

/**
 * `/video-session/<room>`: who you are (personal link or dashboard sign-in), then the session as
 * the server sees it, then the room itself (green room, call, end) once there is one to enter.
 */
export function VideoSessionPage({ roomName }: { roomName: string }) {
  const { access, signedOut } = useSessionAccess(roomName);
  const token = access.status === "ready" ? access.token : null;
  const { load, reload } = useVideoSession(roomName, token);

  useEffect(() => {
    if (load.status === "unauthorized") signedOut();
  }, [load.status]);

  if (access.status === "checking") return <SessionShell status="Checking your link…" />;
  if (access.status === "link-invalid")
    return (
      <SessionShell status="This link is no longer valid">
        <NoAccess kind="link-invalid" detail={access.message} />
      </SessionShell>
    );
  if (access.status === "signed-out")
    return (
      <SessionShell status="You are not signed in">
        <NoAccess kind="signed-out" />
      </SessionShell>
    );
  if (access.status === "error")
    return (
      <SessionShell status="The link could not be checked">
        <NoAccess kind="error" detail={access.message} />
      </SessionShell>
    );
  switch (load.status) {
    case "loading":
    case "unauthorized":
      return <SessionShell status="Loading your session…" />;
    case "not-found":
      return (
        <SessionShell status="Session not found">
          <NoAccess kind="not-found" />
        </SessionShell>
      );
    case "error":
      return (
        <SessionShell status="The session could not be loaded">
          <NoAccess kind="error" detail={load.message} />
        </SessionShell>
      );
    case "loaded": {
      const closed = roomClosure(load.session);
      if (closed && closed !== "not_open_yet") {
        const reason = closed === "cancelled" ? "cancelled" : closed === "not_telehealth" ? "in-person" : "closed";
        return (
          <SessionShell status={reason === "cancelled" ? "This session was cancelled" : "This session is not open"}>
            <EndScreen reason={reason} detail={load.session.join_window.closed_reason ?? undefined} />
          </SessionShell>
        );
      }
      return <SessionRoom session={load.session} clock={load.clock} token={access.token} reload={reload} />;
    }
  }
}
