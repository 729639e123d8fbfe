import { useCallback, useEffect, useMemo, useState } from "preact/hooks";
import type { RemoteMedia } from "./useRemoteMedia";

/**
 * Plays the other person's audio through one audio element that lives as long as the page. It
 * is never in the document: it has nothing to show, and a live call has no caption track to give
 * it. Browsers play sound only after a user gesture, so `unlock` is called inside the Join click;
 * if playback is still refused later, `blocked` asks for one tap on an "enable audio" button.
 */
export function useRemoteAudio(remote: RemoteMedia) {
  const audio = useMemo(() => {
    const element = new Audio();
    element.autoplay = true;
    return element;
  }, []);
  const [blocked, setBlocked] = useState(false);

  const play = useCallback(() => {
    if (audio.srcObject !== remote.audio) audio.srcObject = remote.audio;
    audio.play().then(
      () => setBlocked(false),
      (error: unknown) => setBlocked(error instanceof DOMException && error.name === "NotAllowedError"),
    );
  }, [remote.audio]);

  // Sound arrived: make sure it plays (an element paused by the browser does not resume by itself).
  useEffect(() => {
    if (remote.audioVersion > 0) play();
  }, [remote.audioVersion]);

  // The page is done with the call's sound.
  useEffect(
    () => () => {
      audio.pause();
      audio.srcObject = null;
    },
    [],
  );

  return { unlock: play, enable: play, blocked };
}
