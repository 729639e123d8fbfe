import { Icon } from "../../ui/icons";
import { MediaTrackVideo } from "../../ui/MediaTrackVideo";

/** The camera preview, mirrored like a mirror; when the camera is off, a placeholder saying so. */
export function SelfPreview({ track, name }: { track: MediaStreamTrack | null; name: string }) {
  return (
    <div class="preview">
      {track ? (
        <MediaTrackVideo track={track} mirrored label="Your camera preview" />
      ) : (
        <div class="video-placeholder">
          <Icon name="camera" off />
          <span>Your camera is off</span>
        </div>
      )}
      <span class="name-tag">{name} (you)</span>
    </div>
  );
}
