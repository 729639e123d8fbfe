import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../base/app-env";
import type { SessionScope } from "../base/caller";
import { permissionDenied } from "../base/errors";

/**
 * The routes a redeemed join link opens, for its own session only: the session, its refresh and
 * the built-in provider's signalling by room name; the token, room, status and live events by appointment id (both APIs).
 */
const sessionRoutes: ReadonlyArray<{ method: string; path: RegExp; names: "room" | "id" }> = [
  { method: "GET", path: /^\/api\/video-sessions\/([^/]+)\/$/, names: "room" },
  { method: "POST", path: /^\/api\/video-sessions\/([^/]+)\/refresh\/$/, names: "room" },
  { method: "GET", path: /^\/api\/video-sessions\/([^/]+)\/signal\/$/, names: "room" },
  { method: "GET", path: /^\/api\/appointments\/(?:video-token|video-token-refresh|video-status|video-events)\/(\d+)\/$/, names: "id" },
  { method: "POST", path: /^\/api\/appointments\/video-room\/(\d+)\/$/, names: "id" },
  { method: "POST", path: /^\/api\/v1\/video\/video-calls\/(\d+)\/(?:join|token)\/$/, names: "id" },
  { method: "GET", path: /^\/api\/v1\/video\/video-calls\/(\d+)\/status\/$/, names: "id" },
];

/** True when `method path` is one of its session's routes. */
export function scopeAllows(scope: SessionScope, method: string, path: string): boolean {
  return sessionRoutes.some((route) => {
    const named = route.method === method ? route.path.exec(path)?.[1] : undefined;
    if (named === undefined) return false;
    return route.names === "id" ? Number(named) === scope.appointmentId : safeDecode(named) === scope.roomName;
  });
}

/** Keeps a session-scoped caller to its session's routes: anything else is a 403. Runs after `requireCaller`. */
export const requireSessionScope = createMiddleware<AppEnv>(async function requireSessionScope(c, next) {
  const { scope } = c.get("caller");
  if (scope && !scopeAllows(scope, c.req.method, c.req.path)) throw permissionDenied();
  await next();
});

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
