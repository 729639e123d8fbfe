import { useCallback, useMemo, useRef, useState } from "preact/hooks";

export interface RemoteMedia {
  /** One stream for all remote audio, bound to the page's single <audio> element for the whole visit. */
  audio: MediaStream;
  /** The other person's camera, or null while it is off or not there yet. */
  video: MediaStreamTrack | null;
  add(track: MediaStreamTrack): void;
  remove(track: MediaStreamTrack): void;
  clear(): void;
  /** Counts audio arrivals, so the page can (re)start playback when sound appears. */
  audioVersion: number;
}

/**
 * The remote side's media as plain MediaStreamTracks, whatever the provider. Audio goes into one
 * long-lived MediaStream: the <audio> element playing it is started inside the Join click, and
 * tracks added later play without needing another gesture.
 */
export function useRemoteMedia(): RemoteMedia {
  const audio = useMemo(() => new MediaStream(), []);
  const [video, setVideo] = useState<MediaStreamTrack | null>(null);
  const [audioVersion, setAudioVersion] = useState(0);
  const videoRef = useRef<MediaStreamTrack | null>(null);

  const add = useCallback((track: MediaStreamTrack) => {
    if (track.kind === "audio") {
      if (!audio.getTrackById(track.id)) audio.addTrack(track);
      setAudioVersion((version) => version + 1);
    } else {
      videoRef.current = track;
      setVideo(track);
    }
  }, []);

  const remove = useCallback((track: MediaStreamTrack) => {
    if (track.kind === "audio") audio.removeTrack(track);
    else if (videoRef.current === track) {
      videoRef.current = null;
      setVideo(null);
    }
  }, []);

  const clear = useCallback(() => {
    for (const track of audio.getTracks()) audio.removeTrack(track);
    videoRef.current = null;
    setVideo(null);
  }, []);

  return { audio, video, add, remove, clear, audioVersion };
}
