import { useEffect } from "preact/hooks";
import type { VideoSession } from "../api/types";
import { useLocalMedia } from "../media/useLocalMedia";
import type { ServerClock } from "../time/server-clock";
import { loadAdapter } from "../video/load-adapter";
import { callAnnouncement } from "./announcement";
import { EndScreen } from "./EndScreen";
import { GreenRoom } from "./green-room/GreenRoom";
import { CallView } from "./in-call/CallView";
import { othersPresent } from "./presence";
import { roomClosure } from "./room-closure";
import { SessionShell } from "./SessionShell";
import { useCall } from "./useCall";
import { useRoomEvents } from "./useRoomEvents";

/** A session that can be entered: green room, call and end screen, all driven by the call state. */
export function SessionRoom({
  session,
  clock,
  token,
  reload,
}: {
  session: VideoSession;
  clock: ServerClock;
  token: string;
  reload: () => Promise<void>;
}) {
  const media = useLocalMedia();
  const presence = useRoomEvents(session.appointment_id, token);
  const call = useCall(session, token, clock, media, presence);
  const { state } = call;

  // Download this session's provider SDK (only this one) while the person checks their camera.
  useEffect(() => {
    void loadAdapter(session.provider)
      .then((adapter) => adapter.preload())
      .catch(() => undefined);
  }, [session.provider]);

  const announcement = callAnnouncement(state, {
    counterpart: session.counterpart.name,
    counterpartInRoom: othersPresent(presence, session.you.id),
    roomOpen: roomClosure(session) === null,
  });
  const status = call.tokenTrouble ? `${announcement}. Your access to the video service could not be renewed yet.` : announcement;

  return (
    <SessionShell status={status} tone={state.phase === "reconnecting" || call.tokenTrouble ? "warning" : "info"}>
      {state.phase === "lobby" && (
        <GreenRoom
          session={session}
          clock={clock}
          media={media}
          joinError={state.error}
          onJoin={call.join}
          onRoomOpening={() => void reload()}
        />
      )}
      {(state.phase === "connecting" || state.phase === "waiting" || state.phase === "in-call" || state.phase === "reconnecting") && (
        <CallView call={call} media={media} counterpart={session.counterpart.name} />
      )}
      {state.phase === "ended" && (
        <EndScreen
          reason={state.endReason ?? "left"}
          detail={state.endReason === "dropped" ? state.error : undefined}
          onRejoin={state.endReason === "dropped" ? call.join : undefined}
        />
      )}
    </SessionShell>
  );
}
