import { useCallback, useEffect, useReducer, useRef, useState } from "preact/hooks";
import type { VideoSession } from "../api/types";
import { refreshConnection } from "../api/video-sessions";
import type { LocalMedia } from "../media/useLocalMedia";
import { type ServerClock, serverNow } from "../time/server-clock";
import type { CallEventFromProvider, SessionEnding, VideoCall } from "../video/adapter";
import { loadAdapter } from "../video/load-adapter";
import { type CallEvent, type CallState, callReducer, initialCallState, isActive } from "./call-machine";
import { isOwnIdentity, type RoomPresence } from "./presence";
import { TokenKeeper } from "./token-keeper";
import { useRemoteAudio } from "./useRemoteAudio";
import { type RemoteMedia, useRemoteMedia } from "./useRemoteMedia";

/** The session ended this device's call (webrtc's signalling says why): the same end as the live events would bring. */
const endedByServer: Record<SessionEnding, CallEvent> = {
  elsewhere: { type: "taken-over" },
  cancelled: { type: "call-cancelled" },
  moved: { type: "call-moved" },
  closed: { type: "call-ended" },
  expired: { type: "sign-in-expired" },
  revoked: { type: "access-withdrawn" },
};

export interface Call {
  state: CallState;
  remote: RemoteMedia;
  /** Call from the Join click handler itself: audio playback is unlocked inside that gesture. */
  join(): void;
  leave(): void;
  /** The browser refused to play sound without a gesture: show a button that calls this. */
  audioBlocked: boolean;
  enableAudio(): void;
  /** Renewing the provider token keeps failing: the call may end when the token expires. */
  tokenTrouble: boolean;
}

/**
 * Drives one session's call: the provider adapter (loaded for this session's provider only),
 * the call state machine, token renewal, and the live events that can end a call from outside.
 */
export function useCall(session: VideoSession, token: string, clock: ServerClock, media: LocalMedia, presence: RoomPresence): Call {
  const [state, dispatch] = useReducer<CallState, CallEvent>(callReducer, initialCallState);
  const [tokenTrouble, setTokenTrouble] = useState(false);
  const remote = useRemoteMedia();
  const audio = useRemoteAudio(remote);
  const call = useRef<VideoCall | null>(null);
  // Each entry attempt gets a number; events and late connects from an abandoned attempt are ignored.
  const attempt = useRef(0);
  // Callbacks run long after the render that made them: they read the newest session and devices here.
  const latest = useRef({ media, session });
  latest.current = { media, session };
  const published = useRef<{ microphone: MediaStreamTrack | null; microphoneOn: boolean; camera: MediaStreamTrack | null }>({
    microphone: null,
    microphoneOn: true,
    camera: null,
  });
  const ownIdentity = (identity: string) => isOwnIdentity(identity, session.you.id);

  const keeper = useRef<TokenKeeper | null>(null);
  keeper.current ??= new TokenKeeper({
    fetchFresh: () => refreshConnection(session.room_name, token),
    now: () => serverNow(clock),
    onFresh: (connection) => call.current?.refresh(connection),
    onTrouble: setTokenTrouble,
  });

  const enter = useCallback(async (forceFreshToken: boolean) => {
    const mine = ++attempt.current;
    try {
      const connection = await keeper.current!.usable(latest.current.session.connection, forceFreshToken);
      const adapter = await loadAdapter(connection.provider);
      const { media } = latest.current;
      const local = { microphone: media.microphone.track, microphoneEnabled: media.microphone.on, camera: media.camera.track };
      const onEvent = (event: CallEventFromProvider) => mine === attempt.current && onProviderEvent(event);
      const entered = await adapter.connect(connection as never, local, onEvent, { bearer: token });
      if (mine !== attempt.current) return void entered.leave();
      call.current = entered;
      published.current = { microphone: local.microphone, microphoneOn: local.microphoneEnabled, camera: local.camera };
      dispatch({ type: "connected", remotes: entered.remotes.filter((identity) => !ownIdentity(identity)) });
      keeper.current!.keep(connection);
    } catch (error) {
      if (mine === attempt.current)
        dispatch({ type: "connect-failed", message: error instanceof Error ? error.message : "The video service did not answer" });
    }
  }, []);

  const onProviderEvent = (event: CallEventFromProvider) => {
    switch (event.type) {
      case "participant-connected":
        if (!ownIdentity(event.identity)) dispatch({ type: "remote-joined", identity: event.identity });
        return;
      case "participant-disconnected":
        if (!ownIdentity(event.identity)) dispatch({ type: "remote-left", identity: event.identity });
        return;
      case "track-added":
        return remote.add(event.track);
      case "track-removed":
        return remote.remove(event.track);
      case "reconnecting":
      case "reconnected":
        return dispatch({ type: event.type });
      case "token-expiring":
        return void keeper.current!.refreshNow();
      case "disconnected":
        call.current = null;
        remote.clear();
        if (event.tokenExpired) {
          // Twilio 20104 / Agora did-expire: a fresh token gets straight back in, unnoticed.
          dispatch({ type: "token-expired" });
          void enter(true);
        } else if (event.ending) {
          dispatch(endedByServer[event.ending]);
        } else {
          dispatch({ type: "dropped", message: event.message ?? "The connection to the video service was lost" });
        }
    }
  };

  const join = useCallback(() => {
    audio.unlock();
    dispatch({ type: "join" });
    void enter(false);
  }, []);

  const leave = useCallback(() => dispatch({ type: "leave" }), []);

  // The session was called off or ended while we were here (live events from the server).
  useEffect(() => {
    if (presence.callEvent === "cancelled") dispatch({ type: "call-cancelled" });
    if (presence.callEvent === "ended") dispatch({ type: "call-ended" });
  }, [presence.callEvent]);

  // Leaving, for whatever reason, tears the call down; only a dropped call keeps the devices for a rejoin.
  useEffect(() => {
    if (state.phase !== "ended") return;
    attempt.current += 1;
    keeper.current!.stop();
    void call.current?.leave().catch(() => undefined);
    call.current = null;
    remote.clear();
    if (state.endReason !== "dropped") media.release();
  }, [state.phase]);

  // The person's device choices follow them into the call.
  useEffect(() => {
    const live = call.current;
    if (!live || !isActive(state)) return;
    const was = published.current;
    published.current = { microphone: media.microphone.track, microphoneOn: media.microphone.on, camera: media.camera.track };
    if (media.camera.track !== was.camera) void live.setCamera(media.camera.track);
    if (media.microphone.track && media.microphone.track !== was.microphone) void live.replaceMicrophone(media.microphone.track);
    if (media.microphone.on !== was.microphoneOn) void live.setMicrophoneEnabled(media.microphone.on);
  }, [media.camera.track, media.microphone.track, media.microphone.on, state.phase]);

  // Closing the tab or navigating away leaves the room at once, rather than when the provider times us out.
  useEffect(() => {
    const onPageHide = () => {
      attempt.current += 1;
      void call.current?.leave().catch(() => undefined);
      call.current = null;
    };
    addEventListener("pagehide", onPageHide);
    return () => {
      removeEventListener("pagehide", onPageHide);
      onPageHide();
      keeper.current!.stop();
    };
  }, []);

  return { state, remote, join, leave, audioBlocked: audio.blocked, enableAudio: audio.enable, tokenTrouble };
}
