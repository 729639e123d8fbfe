import { useState } from "preact/hooks";
import type { LocalMedia } from "../../media/useLocalMedia";
import { Icon } from "../../ui/icons";
import { useFocusOnMount } from "../../ui/useFocusOnMount";
import type { Call } from "../useCall";
import { CallControls } from "./CallControls";
import { LeaveDialog } from "./LeaveDialog";
import { RemoteStage } from "./RemoteStage";
import { SelfView } from "./SelfView";

/** In the call: the other person large, yourself small, the toolbar below. */
export function CallView({ call, media, counterpart }: { call: Call; media: LocalMedia; counterpart: string }) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [selfViewHidden, setSelfViewHidden] = useState(false);
  const [confirmingLeave, setConfirmingLeave] = useState(false);
  const present = call.state.remotes.length > 0;
  return (
    <div class="call">
      <h1 ref={heading} tabIndex={-1} class="visually-hidden">
        Video call with {counterpart}
      </h1>
      <div class={`stage ${call.state.phase === "reconnecting" ? "is-reconnecting" : ""}`}>
        <RemoteStage track={call.remote.video} name={counterpart} present={present} />
        <SelfView track={media.camera.track} hidden={selfViewHidden} />
        {call.audioBlocked && (
          <button type="button" class="primary audio-unblock" onClick={call.enableAudio}>
            <Icon name="play" />
            <span>Tap to enable audio</span>
          </button>
        )}
      </div>
      {call.tokenTrouble && (
        <p class="notice notice-warning">
          We could not renew your access to the video service. The call continues; check your internet connection.
        </p>
      )}
      <CallControls
        media={media}
        selfViewHidden={selfViewHidden}
        onToggleSelfView={() => setSelfViewHidden((hidden) => !hidden)}
        onLeave={() => setConfirmingLeave(true)}
      />
      <LeaveDialog open={confirmingLeave} onStay={() => setConfirmingLeave(false)} onLeave={call.leave} />
    </div>
  );
}
