import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../base/app-env";
import type { Caller, Role } from "../base/caller";
import { permissionDenied, unauthorized } from "../base/errors";
import { enforceIpLimit } from "./rate-limits";
import { verifyCallerToken } from "./verify-caller-token";

/**
 * Authenticates the caller from the token `tokenFrom` finds (`bearerToken`; on a WebSocket route,
 * `callerToken`, which also looks where browsers can put it) and stores them as `caller`.
 */
export function requireCaller(tokenFrom: (request: Request) => string | undefined) {
  return createMiddleware<AppEnv>(async function requireCaller(c, next) {
    const token = tokenFrom(c.req.raw);
    const config = c.get("config");
    let caller: Caller;
    try {
      if (!token) throw unauthorized("Authentication credentials were not provided");
      caller = await verifyCallerToken(token, { ...config.jwt, sessionSecret: config.sessionLinkSecret });
    } catch (error) {
      // Requests nobody vouches for are counted per IP: a flood of them gets 429s, not our work.
      await enforceIpLimit(c, "ANONYMOUS_RATE_LIMIT");
      throw error;
    }
    c.set("caller", caller);
    await next();
  });
}

/** Lets only the given roles through; must run after `requireCaller` (a route's `callerAccess`). */
export function requireRole(...allowed: Role[]) {
  return createMiddleware<AppEnv>(async function requireRole(c, next) {
    if (!allowed.includes(c.get("caller").role)) throw permissionDenied();
    await next();
  });
}

export function bearerToken(request: Request): string | undefined {
  const header = request.headers.get("authorization");
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}

/**
 * The caller's JWT. Browsers cannot set Authorization on a WebSocket, so an upgrade request may
 * carry it as `Sec-WebSocket-Protocol: bearer, <jwt>` or a `token` query parameter instead.
 * Only upgrades: on any other request a token in the URL would end up in logs and histories.
 */
export function callerToken(request: Request): string | undefined {
  const bearer = bearerToken(request);
  if (bearer || request.method !== "GET" || request.headers.get("upgrade")?.toLowerCase() !== "websocket") return bearer;
  const protocols = webSocketProtocols(request);
  const offered = protocols.indexOf(bearerProtocol);
  return (offered === -1 ? undefined : protocols[offered + 1]) || new URL(request.url).searchParams.get("token") || undefined;
}

/** True when the JWT came as a subprotocol, which the 101 must then answer with `bearer` alone. */
export function offersBearerProtocol(request: Request): boolean {
  return webSocketProtocols(request).includes(bearerProtocol);
}

const bearerProtocol = "bearer";

function webSocketProtocols(request: Request): string[] {
  return (request.headers.get("sec-websocket-protocol") ?? "").split(",").map((protocol) => protocol.trim());
}
