import { createRoute } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../base/app-env";
import type { SessionScope } from "../base/caller";
import { permissionDenied } from "../base/errors";
import { bearerToken, callerToken, requireCaller } from "./middleware";
import { enforceLimit } from "./rate-limits";

/** The path parameter that names a session: its room name, or its appointment's id. */
export type SessionParam = "room_name" | "id";

/** How a route behind the caller's token reads it, and whether a join link's token may reach it. */
export type CallerAccess = {
  /**
   * Browsers cannot set Authorization on a WebSocket, so an upgrade may carry the token as a
   * subprotocol or `?token=` (`callerToken`). Only socket routes say so: anywhere else a token in
   * a URL would end up in logs.
   */
  webSocket?: boolean;
  /**
   * The parameter naming the session a redeemed join link's token may reach here, for its own
   * session only. Without it such tokens are refused: a route opens itself to them by saying so.
   */
  session?: SessionParam;
  /**
   * Counted per user (`USER_RATE_LIMIT`): routes that mint video credentials or open room sockets,
   * which a runaway client or a stolen token would otherwise call without end.
   */
  limited?: boolean;
};

/** Who may call a route, as the route declares it: a caller (how) or anyone (why). */
export type RouteAccess = { caller: CallerAccess } | { public: string };

const declared = new WeakMap<MiddlewareHandler, RouteAccess>();

/**
 * The access a route's handler declares, if it is one of the declarations below: every route
 * starts with one, so a test can walk `app.routes` and find a route that declares none.
 */
export function routeAccessOf(handler: unknown): RouteAccess | undefined {
  return typeof handler === "function" ? declared.get(handler as MiddlewareHandler) : undefined;
}

/**
 * Authenticates the caller of one route (401 without a valid token) and keeps a session-scoped
 * caller to its own session on the routes that take one (403 anywhere else).
 *
 * @example app.all("/api/*", callerAccess(), (c) => c.json({ error: "Not found" }, 404))
 */
export function callerAccess(access: CallerAccess = {}): MiddlewareHandler<AppEnv> {
  const authenticate = requireCaller(access.webSocket ? callerToken : bearerToken);
  const middleware = createMiddleware<AppEnv>(async function callerAccess(c, next) {
    await authenticate(c, async () => {
      const { scope } = c.get("caller");
      if (scope && !(access.session && namesSession(scope, access.session, c.req.param(access.session)))) throw permissionDenied();
      if (access.limited) await enforceLimit(c, "USER_RATE_LIMIT", `user:${c.get("caller").id}`);
      await next();
    });
  });
  declared.set(middleware, { caller: access });
  return middleware;
}

/** Declares a route open to anyone, with the reason (another check, or nothing to protect); it does nothing else. */
export function publicAccess(reason: string): MiddlewareHandler<AppEnv> {
  const middleware = createMiddleware<AppEnv>(async function publicAccess(_c, next) {
    await next();
  });
  declared.set(middleware, { public: reason });
  return middleware;
}

type RouteConfig = Parameters<typeof createRoute>[0];
/** A route config as `createRoute` takes it: the declaration turned into the first of its middleware. */
type Declared<R, Key extends string> = Omit<R, Key | "middleware"> & { middleware: MiddlewareHandler<AppEnv>[] };

/**
 * A documented route behind the caller's token: `callerAccess` runs first (before the route's
 * own middleware and validators), and the OpenAPI document says it needs the bearer token.
 *
 * @example authedRoute({ method: "get", path: "/api/appointments/video-status/{id}/", access: { session: "id" }, ... })
 */
export function authedRoute<const R extends RouteConfig & { access?: CallerAccess }>({ access, middleware, ...config }: R) {
  const route: Declared<R, "access"> & { security: [{ bearerAuth: [] }] } = {
    ...config,
    middleware: declaredFirst(callerAccess(access), middleware),
    security: [{ bearerAuth: [] }],
  };
  return createRoute(route);
}

/**
 * A documented route open without a token, saying why (`publicBecause`): something else
 * authenticates it, such as a provider's signature or a join link's key.
 */
export function publicRoute<const R extends RouteConfig & { publicBecause: string }>({ publicBecause, middleware, ...config }: R) {
  const route: Declared<R, "publicBecause"> = { ...config, middleware: declaredFirst(publicAccess(publicBecause), middleware) };
  return createRoute(route);
}

/** The route's own middleware (a role check, say) runs after its access declaration. */
function declaredFirst(declaration: MiddlewareHandler<AppEnv>, own: RouteConfig["middleware"]): MiddlewareHandler<AppEnv>[] {
  return [declaration, ...(own === undefined ? [] : Array.isArray(own) ? own : [own])];
}

/** True when the path names the scope's own session; ids compare as the plain digits the routes accept. */
function namesSession(scope: SessionScope, param: SessionParam, value: string | undefined): boolean {
  return param === "id" ? value === String(scope.appointmentId) : value === scope.roomName;
}
