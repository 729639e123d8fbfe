import { cors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../base/app-env";
import { bookmarkHeader } from "./d1-session";

/**
 * CORS for the origins in CORS_ALLOWED_ORIGINS only. A preflight from one of them is answered here,
 * before authentication (browsers send it without credentials); any other origin gets no CORS
 * headers at all, so its browser keeps the answer from the page.
 */
export function corsForAllowedOrigins() {
  const allowed = cors({
    origin: (origin) => origin,
    allowMethods: ["GET", "POST", "PUT", "PATCH", "OPTIONS"],
    allowHeaders: ["Authorization", "Content-Type", "Idempotency-Key", bookmarkHeader],
    // The D1 bookmark comes back for the client's next request (read-your-writes from a replica).
    exposeHeaders: [bookmarkHeader],
    maxAge: 600,
  });
  return createMiddleware<AppEnv>(async function corsForAllowedOrigins(c, next) {
    const origin = c.req.header("origin");
    if (origin && c.get("config").corsAllowedOrigins.includes(origin)) return allowed(c, next);
    if (c.req.method === "OPTIONS" && c.req.header("access-control-request-method")) return c.body(null, 204);
    await next();
  });
}
