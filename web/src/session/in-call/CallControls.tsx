import type { LocalMedia } from "../../media/useLocalMedia";
import { MediaToggles } from "../../ui/DeviceToggle";
import { Icon } from "../../ui/icons";

/** The call's toolbar: every control a real button, reachable with Tab, named in words. */
export function CallControls({
  media,
  selfViewHidden,
  onToggleSelfView,
  onLeave,
}: {
  media: LocalMedia;
  selfViewHidden: boolean;
  onToggleSelfView: () => void;
  onLeave: () => void;
}) {
  return (
    <div class="call-controls" role="toolbar" aria-label="Call controls">
      <MediaToggles media={media} />
      <button type="button" class="toggle" aria-pressed={!selfViewHidden} onClick={onToggleSelfView}>
        <Icon name="person" off={selfViewHidden} />
        <span>Self-view</span>
      </button>
      <button type="button" class="danger" onClick={onLeave}>
        <Icon name="leave" />
        <span>Leave</span>
      </button>
    </div>
  );
}
