import type { DeviceKind } from "../../media/media-problem";

/** A native <select> of the inputs of one kind: keyboard and screen reader support for free. */
export function DevicePicker({
  kind,
  devices,
  selected,
  onSelect,
}: {
  kind: DeviceKind;
  devices: MediaDeviceInfo[];
  selected: string | undefined;
  onSelect: (deviceId: string) => void;
}) {
  if (devices.length === 0) return null;
  const id = `${kind}-picker`;
  return (
    <div class="field">
      <label for={id}>{kind === "camera" ? "Camera" : "Microphone"} device</label>
      <select id={id} value={selected} onChange={(event) => onSelect(event.currentTarget.value)}>
        {devices.map((device) => (
          <option key={device.deviceId} value={device.deviceId}>
            {device.label}
          </option>
        ))}
      </select>
    </div>
  );
}
