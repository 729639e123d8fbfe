import { useEffect, useState } from "preact/hooks";
import { type ServerClock, serverNow } from "./server-clock";

/** The server's time, re-read every `everyMs` (once a second for a countdown). */
export function useServerNow(clock: ServerClock, everyMs = 1000): number {
  const [now, setNow] = useState(() => serverNow(clock));
  useEffect(() => {
    setNow(serverNow(clock));
    const timer = setInterval(() => setNow(serverNow(clock)), everyMs);
    return () => clearInterval(timer);
  }, [clock, everyMs]);
  return now;
}
