import { useEffect, useRef } from "preact/hooks";

/**
 * A <video> showing one MediaStreamTrack (srcObject is a property, not an attribute, so it is set
 * here). Always muted: sound plays through the page's single <audio> element instead.
 */
export function MediaTrackVideo({ track, mirrored = false, label }: { track: MediaStreamTrack; mirrored?: boolean; label: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    video.srcObject = new MediaStream([track]);
    void video.play().catch(() => undefined);
    return () => {
      video.srcObject = null;
    };
  }, [track]);
  return <video ref={ref} class={mirrored ? "video mirrored" : "video"} autoplay playsInline muted aria-label={label} />;
}
