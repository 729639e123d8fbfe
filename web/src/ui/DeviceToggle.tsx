import type { DeviceKind } from "../media/media-problem";
import type { LocalMedia } from "../media/useLocalMedia";
import { Icon } from "./icons";

const names: Record<DeviceKind, string> = { microphone: "Microphone", camera: "Camera" };

/**
 * "Microphone" / "Camera" as toggle buttons: the accessible name stays the same and
 * aria-pressed says on or off; sighted people see a slashed icon and the word "off".
 */
export function DeviceToggle({
  kind,
  on,
  unavailable,
  onToggle,
}: {
  kind: DeviceKind;
  on: boolean;
  unavailable?: boolean;
  onToggle: () => void;
}) {
  return (
    <button type="button" class={`toggle ${on ? "is-on" : "is-off"}`} aria-pressed={on} onClick={onToggle}>
      <Icon name={kind} off={!on} />
      <span>{names[kind]}</span>
      <span class="toggle-state" aria-hidden="true">
        {unavailable ? "unavailable" : on ? "on" : "off"}
      </span>
    </button>
  );
}

/** The microphone and camera toggles of the person's own media, the same in the green room and the call. */
export function MediaToggles({ media }: { media: LocalMedia }) {
  return (
    <>
      {(["microphone", "camera"] as const).map((kind) => (
        <DeviceToggle key={kind} kind={kind} on={media[kind].on} unavailable={!!media[kind].problem} onToggle={() => media.toggle(kind)} />
      ))}
    </>
  );
}
