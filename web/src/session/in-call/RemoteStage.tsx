import { Icon } from "../../ui/icons";
import { MediaTrackVideo } from "../../ui/MediaTrackVideo";

/** The other person, large. Without their video: who we are waiting for, or that their camera is off. */
export function RemoteStage({ track, name, present }: { track: MediaStreamTrack | null; name: string; present: boolean }) {
  if (track && present) return <MediaTrackVideo track={track} label={`${name}'s video`} />;
  return (
    <div class="video-placeholder stage-placeholder">
      <Icon name="person" />
      <span>{present ? `${name}'s camera is off` : `${name} is not in the room`}</span>
    </div>
  );
}
