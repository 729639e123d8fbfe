import { Icon } from "../../ui/icons";
import { MediaTrackVideo } from "../../ui/MediaTrackVideo";

/** The small picture of yourself in the corner; hidden on request (some people find it distracting). */
export function SelfView({ track, hidden }: { track: MediaStreamTrack | null; hidden: boolean }) {
  if (hidden) return null;
  return (
    <div class="self-view">
      {track ? (
        <MediaTrackVideo track={track} mirrored label="Your video" />
      ) : (
        <div class="video-placeholder">
          <Icon name="camera" off />
          <span>Camera off</span>
        </div>
      )}
    </div>
  );
}
