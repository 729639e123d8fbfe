import { useEffect } from "preact/hooks";
import { describeCountdown, formatClockTime, formatCountdown } from "../../time/countdown";
import type { ServerClock } from "../../time/server-clock";
import { useServerNow } from "../../time/useServerNow";

/**
 * "The room opens at 10:45, in 12:03", counted on the server's clock (a device whose clock is
 * off must not open the door early or late). Not a live region: it changes every second.
 */
export function OpensCountdown({ opensAt, clock, onOpen }: { opensAt: number; clock: ServerClock; onOpen: () => void }) {
  const now = useServerNow(clock);
  const remaining = opensAt - now;
  useEffect(() => {
    if (remaining <= 0) onOpen();
  }, [remaining <= 0]);
  if (remaining <= 0) return <p class="countdown">The room is opening…</p>;
  // The wall-clock time is shown in the device's zone; the instant comes from the server.
  return (
    <p class="countdown" id="opens-countdown">
      The room opens at <time dateTime={new Date(opensAt).toISOString()}>{formatClockTime(opensAt)}</time>, in{" "}
      <span aria-hidden="true">{formatCountdown(remaining)}</span>
      <span class="visually-hidden">{describeCountdown(remaining)}</span>
    </p>
  );
}
