import { createMiddleware } from "hono/factory";
import { optional, type AppEnv } from "../env";
import { permissionDenied, unauthorized } from "../errors";
import type { Role } from "./claims";
import { verifyCallerToken } from "./verify-caller-token";

/**
 * Authenticates the caller from `Authorization: Bearer <jwt>` and stores them as `caller`.
 * `tokenFrom` lets WebSocket routes read the token where browsers can put it.
 */
export function requireCaller(tokenFrom: (request: Request) => string | undefined = bearerToken) {
  return createMiddleware<AppEnv>(async function requireCaller(c, next) {
    const token = tokenFrom(c.req.raw);
    if (!token) throw unauthorized("Authentication credentials were not provided");
    const caller = await verifyCallerToken(token, {
      secret: c.env.JWT_SECRET,
      issuer: optional(c.env.JWT_ISSUER),
      audience: optional(c.env.JWT_AUDIENCE),
      jwksUrl: optional(c.env.JWT_JWKS_URL),
    });
    c.set("caller", caller);
    await next();
  });
}

/** Lets only the given roles through; must run after `requireCaller`. */
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
