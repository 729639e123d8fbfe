import { classifyMediaError, type DeviceKind, type MediaProblem } from "./media-problem";

export type Acquired = { track: MediaStreamTrack; problem?: undefined } | { track: null; problem: MediaProblem };

const constraints: Record<DeviceKind, MediaTrackConstraints> = {
  microphone: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
  camera: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 24 } },
};

const mediaKey = { microphone: "audio", camera: "video" } as const;

/** One device's track, or why there is none. */
export async function acquire(kind: DeviceKind, deviceId?: string): Promise<Acquired> {
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ [mediaKey[kind]]: withDevice(constraints[kind], deviceId) });
    const track = stream.getTracks()[0];
    return track ? { track } : { track: null, problem: "no-device" };
  } catch (error) {
    return { track: null, problem: classifyMediaError(error) };
  }
}

/**
 * Both devices with one permission prompt; when that fails, each on its own, so the person
 * learns which one is the problem (a missing camera must not cost them their microphone).
 */
export async function acquireBoth(): Promise<Record<DeviceKind, Acquired>> {
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: constraints.microphone, video: constraints.camera });
    const microphone = stream.getAudioTracks()[0];
    const camera = stream.getVideoTracks()[0];
    return {
      microphone: microphone ? { track: microphone } : { track: null, problem: "no-device" },
      camera: camera ? { track: camera } : { track: null, problem: "no-device" },
    };
  } catch {
    const [microphone, camera] = await Promise.all([acquire("microphone"), acquire("camera")]);
    return { microphone, camera };
  }
}

function withDevice(base: MediaTrackConstraints, deviceId: string | undefined): MediaTrackConstraints {
  return deviceId ? { ...base, deviceId: { exact: deviceId } } : base;
}

/** The inputs of each kind, once permission lets the browser name them. */
export async function listDevices(): Promise<Record<DeviceKind, MediaDeviceInfo[]>> {
  const devices = await navigator.mediaDevices.enumerateDevices().catch(() => []);
  // Without permission, browsers list one nameless entry per kind: nothing to choose between.
  const named = devices.filter((device) => device.deviceId && device.label);
  return {
    microphone: named.filter((device) => device.kind === "audioinput"),
    camera: named.filter((device) => device.kind === "videoinput"),
  };
}
