import { useEffect, useState } from "preact/hooks";
import { ApiError } from "../api/http";
import { getMe, getSchedule } from "../api/schedule";
import type { Me, ScheduleItem } from "../api/types";
import { nextPollDelay, startDateFilter, upcoming } from "./schedule-polling";

export type ScheduleState =
  | { status: "loading" }
  | { status: "signed-out" }
  | { status: "admin"; me: Me }
  | { status: "loaded"; me: Me; items: ScheduleItem[] }
  | { status: "error"; message: string };

/**
 * The caller's schedule, kept current: read every POLL_MS and again right when a session's room
 * opens (nextPollDelay), so "Join video session" turns on by itself at T−15 minutes.
 */
export function useSchedule(token: string | undefined, onUnauthorized: () => void): ScheduleState {
  const [state, setState] = useState<ScheduleState>(token ? { status: "loading" } : { status: "signed-out" });

  useEffect(() => {
    if (!token) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const controller = new AbortController();
    let me: Me | undefined;

    const poll = async () => {
      let delay = 30_000;
      try {
        me ??= await getMe(token, controller.signal);
        if (me.role === "admin") return setState({ status: "admin", me });
        const page = await getSchedule(token, me, startDateFilter(me.timezone), controller.signal);
        setState({ status: "loaded", me, items: upcoming(page.results) });
        delay = nextPollDelay(page.results);
      } catch (error) {
        if (stopped) return;
        if (error instanceof ApiError && error.status === 401) {
          onUnauthorized();
          return setState({ status: "signed-out" });
        }
        // Keep showing the last good schedule through a network blip; say so only if there is none.
        setState((current) =>
          current.status === "loaded" ? current : { status: "error", message: error instanceof Error ? error.message : "Could not load" },
        );
      }
      if (!stopped) timer = setTimeout(poll, delay);
    };
    void poll();
    return () => {
      stopped = true;
      controller.abort();
      clearTimeout(timer);
    };
  }, [token]);

  return state;
}
