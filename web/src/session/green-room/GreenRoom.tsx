import { useEffect } from "preact/hooks";
import type { VideoSession } from "../../api/types";
import type { LocalMedia } from "../../media/useLocalMedia";
import { formatWhen } from "../../time/countdown";
import type { ServerClock } from "../../time/server-clock";
import { useServerNow } from "../../time/useServerNow";
import { MediaToggles } from "../../ui/DeviceToggle";
import { useFocusOnMount } from "../../ui/useFocusOnMount";
import { roomClosure } from "../room-closure";
import { DevicePicker } from "./DevicePicker";
import { MediaHelp } from "./MediaHelp";
import { MicLevelMeter } from "./MicLevelMeter";
import { OpensCountdown } from "./OpensCountdown";
import { SelfPreview } from "./SelfPreview";

/**
 * Before any media connects: check camera and microphone, pick devices, see whether the other
 * person is already there, and join once the room is open (or wait for it with a countdown).
 */
export function GreenRoom({
  session,
  clock,
  media,
  joinError,
  onJoin,
  onRoomOpening,
}: {
  session: VideoSession;
  clock: ServerClock;
  media: LocalMedia;
  joinError: string | undefined;
  onJoin: () => void;
  onRoomOpening: () => void;
}) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const now = useServerNow(clock, 5000);
  const opensAt = Date.parse(session.join_window.opens_at);
  const tooEarly = roomClosure(session) === "not_open_yet";
  const waitingForConnection = !tooEarly && session.connection === null;

  // The clock says open but the server had no connection for us yet: ask again shortly.
  useEffect(() => {
    if (!waitingForConnection) return;
    const timer = setTimeout(onRoomOpening, 3000);
    return () => clearTimeout(timer);
  }, [waitingForConnection, now]);

  const canJoin = !tooEarly && session.connection !== null && media.ready;
  const problems = { camera: media.camera.problem, microphone: media.microphone.problem };

  return (
    <div class="green-room">
      <h1 ref={heading} tabIndex={-1}>
        Session with {session.counterpart.name}
      </h1>
      <p class="when">
        {formatWhen(Date.parse(session.starts_at))} · {session.duration_minutes} minutes
      </p>
      <div class="green-room-grid">
        <section class="card" aria-labelledby="devices-title">
          <h2 id="devices-title">Your camera and microphone</h2>
          <SelfPreview track={media.camera.track} name={session.you.name} />
          <MicLevelMeter track={media.microphone.track} on={media.microphone.on} />
          <fieldset class="controls">
            <legend class="visually-hidden">Devices</legend>
            <MediaToggles media={media} />
          </fieldset>
          <DevicePicker
            kind="camera"
            devices={media.devices.camera}
            selected={media.camera.deviceId}
            onSelect={(id) => media.select("camera", id)}
          />
          <DevicePicker
            kind="microphone"
            devices={media.devices.microphone}
            selected={media.microphone.deviceId}
            onSelect={(id) => media.select("microphone", id)}
          />
          <MediaHelp problems={problems} />
        </section>
        <section class="card join-card" aria-labelledby="join-title">
          <h2 id="join-title">Ready to join?</h2>
          {tooEarly && <OpensCountdown opensAt={opensAt} clock={clock} onOpen={onRoomOpening} />}
          {!media.ready && <p>Starting your camera and microphone…</p>}
          {waitingForConnection && session.connection_error && (
            <p class="notice notice-warning">The video service is not ready for this session yet. This page keeps trying.</p>
          )}
          <p class="hint">You can join with your camera or microphone off, and turn them on in the call.</p>
          <button
            type="button"
            class="primary large"
            disabled={!canJoin}
            aria-describedby={tooEarly ? "opens-countdown" : undefined}
            onClick={onJoin}
          >
            Join
          </button>
          {joinError && <p class="notice notice-error">Could not join: {joinError}. Check your connection and try again.</p>}
        </section>
      </div>
    </div>
  );
}
