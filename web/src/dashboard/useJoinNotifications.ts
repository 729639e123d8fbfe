import { useEffect, useRef, useState } from "preact/hooks";
import type { ScheduleItem } from "../api/types";

/**
 * Optional browser notifications: once allowed, a session whose room opens while the dashboard
 * is open (can_join_session turning true between two reads) raises a notification.
 */
export function useJoinNotifications(items: readonly ScheduleItem[] | undefined) {
  const supported = typeof Notification !== "undefined";
  const [permission, setPermission] = useState(supported ? Notification.permission : "denied");
  const joinable = useRef<Set<number> | null>(null);

  useEffect(() => {
    if (!items) return;
    const now = new Set(items.filter((item) => item.can_join_session).map((item) => item.id));
    const before = joinable.current;
    joinable.current = now;
    // The first read only sets the baseline: no notification for what was already open on arrival.
    if (!before || permission !== "granted") return;
    for (const item of items) {
      if (now.has(item.id) && !before.has(item.id)) {
        new Notification("Your session can be joined now", {
          body: `${item.service_name ?? "Session"} at ${item.formatted_time}`,
          tag: `session-${item.id}`,
        });
      }
    }
  }, [items, permission]);

  const ask = async () => setPermission(await Notification.requestPermission());
  return { offer: supported && permission === "default", ask };
}
