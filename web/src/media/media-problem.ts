/** Why a device could not be used, in the categories the help text distinguishes. */
export type MediaProblem = "permission-denied" | "no-device" | "in-use" | "insecure" | "unknown";

/** getUserMedia's DOMException names (and the few browser-specific spellings) as a MediaProblem. */
export function classifyMediaError(error: unknown): MediaProblem {
  const name =
    error instanceof Error || (typeof error === "object" && error !== null && "name" in error)
      ? String((error as { name: unknown }).name)
      : "";
  switch (name) {
    case "NotAllowedError":
    case "PermissionDeniedError":
    case "SecurityError":
      return "permission-denied";
    case "NotFoundError":
    case "DevicesNotFoundError":
    case "OverconstrainedError":
      return "no-device";
    case "NotReadableError":
    case "TrackStartError":
    case "AbortError":
      return "in-use";
    case "TypeError":
      // mediaDevices is missing outside secure contexts (http:// other than localhost).
      return typeof navigator !== "undefined" && !navigator.mediaDevices ? "insecure" : "unknown";
    default:
      return "unknown";
  }
}

export type DeviceKind = "camera" | "microphone";

/** What to tell the person, specific to the device and the problem, with what to do next. */
export function mediaHelp(kind: DeviceKind, problem: MediaProblem): { title: string; steps: string[] } {
  const device = kind;
  switch (problem) {
    case "permission-denied":
      return {
        title: `Your browser is blocking the ${device}`,
        steps: [
          `Select the camera or lock icon in the address bar and allow the ${device} for this site.`,
          "Then reload this page. You can also join without it.",
        ],
      };
    case "no-device":
      return {
        title: `No ${device} found`,
        steps: [
          `Connect a ${device}, or check that it is switched on, then reload this page.`,
          kind === "camera" ? "You can still join with audio only." : "You can still join, but the other person will not hear you.",
        ],
      };
    case "in-use":
      return {
        title: `The ${device} is busy`,
        steps: [`Close other apps or tabs that may be using the ${device} (another video call, for example), then reload this page.`],
      };
    case "insecure":
      return { title: "This page must be opened over HTTPS", steps: ["Open the link from your reminder again; it starts with https://."] };
    case "unknown":
      return { title: `The ${device} could not start`, steps: ["Reload this page. If it keeps happening, try another browser."] };
  }
}
