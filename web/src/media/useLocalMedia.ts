import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { type Acquired, acquire, acquireBoth, listDevices } from "./acquire";
import type { DeviceKind, MediaProblem } from "./media-problem";

interface Device {
  track: MediaStreamTrack | null;
  /** What the person chose; a device that failed is off until they try again. */
  on: boolean;
  problem?: MediaProblem;
  deviceId?: string;
}

export interface LocalMedia {
  /** The first request for camera and microphone has been answered (allowed or not). */
  ready: boolean;
  microphone: Device;
  camera: Device;
  devices: Record<DeviceKind, MediaDeviceInfo[]>;
  toggle(kind: DeviceKind): void;
  select(kind: DeviceKind, deviceId: string): void;
  /** Stops every device (the camera light goes off); the page is done with them. */
  release(): void;
}

const off: Device = { track: null, on: false };

/**
 * The person's own camera and microphone, from the green room to the end of the call. The
 * microphone is muted by disabling its track (instant, keeps the meter's source); the camera
 * is released when turned off, so its light goes off too, and reacquired when turned on.
 */
export function useLocalMedia(): LocalMedia {
  const [ready, setReady] = useState(false);
  const [microphone, setMicrophone] = useState<Device>(off);
  const [camera, setCamera] = useState<Device>(off);
  const [devices, setDevices] = useState<Record<DeviceKind, MediaDeviceInfo[]>>({ microphone: [], camera: [] });
  const tracks = useRef<Record<DeviceKind, MediaStreamTrack | null>>({ microphone: null, camera: null });
  const released = useRef(false);

  const setters = { microphone: setMicrophone, camera: setCamera };
  /** Makes a freshly acquired track (or its absence) the device's current one. `muted`: a microphone picked while muted stays muted. */
  const adopt = useCallback((kind: DeviceKind, acquired: Acquired, deviceId?: string, muted = false) => {
    const previous = tracks.current[kind];
    if (previous && previous !== acquired.track) previous.stop();
    if (released.current) {
      acquired.track?.stop();
      return;
    }
    tracks.current[kind] = acquired.track;
    const track = acquired.track;
    // A device unplugged mid-session ends its track: show it as gone rather than frozen.
    if (track)
      track.addEventListener(
        "ended",
        () => tracks.current[kind] === track && setters[kind]({ track: null, on: false, problem: "no-device" }),
      );
    if (track && muted) track.enabled = false;
    setters[kind]({ track, on: track !== null && !muted, problem: acquired.problem, deviceId: deviceId ?? track?.getSettings().deviceId });
  }, []);

  useEffect(() => {
    void acquireBoth().then(async (both) => {
      adopt("microphone", both.microphone);
      adopt("camera", both.camera);
      setDevices(await listDevices());
      setReady(true);
    });
    const refreshDevices = () => void listDevices().then(setDevices);
    navigator.mediaDevices?.addEventListener("devicechange", refreshDevices);
    return () => {
      navigator.mediaDevices?.removeEventListener("devicechange", refreshDevices);
      released.current = true;
      tracks.current.microphone?.stop();
      tracks.current.camera?.stop();
    };
  }, []);

  const toggle = useCallback(
    (kind: DeviceKind) => {
      const current = kind === "microphone" ? microphone : camera;
      if (kind === "microphone" && current.track) {
        current.track.enabled = !current.on;
        setMicrophone({ ...current, on: !current.on });
      } else if (current.on && current.track) {
        current.track.stop();
        tracks.current[kind] = null;
        setters[kind]({ ...current, track: null, on: false });
      } else {
        void acquire(kind, current.deviceId).then((acquired) => adopt(kind, acquired, current.deviceId));
      }
    },
    [microphone, camera],
  );

  const select = useCallback(
    (kind: DeviceKind, deviceId: string) => {
      const current = kind === "microphone" ? microphone : camera;
      // Picking a camera while it is off only remembers the choice; it starts when turned on.
      if (kind === "camera" && !current.on) return setCamera({ ...current, deviceId });
      const muted = kind === "microphone" && current.track !== null && !current.on;
      void acquire(kind, deviceId).then((acquired) => adopt(kind, acquired, deviceId, muted));
    },
    [microphone, camera],
  );

  const release = useCallback(() => {
    released.current = true;
    for (const kind of ["microphone", "camera"] as const) {
      tracks.current[kind]?.stop();
      tracks.current[kind] = null;
    }
    setMicrophone(off);
    setCamera(off);
  }, []);

  return { ready, microphone, camera, devices, toggle, select, release };
}
