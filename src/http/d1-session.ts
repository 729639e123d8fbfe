import type { Context, MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../base/app-env";
import { badRequest } from "../base/errors";

/** The header carrying a D1 bookmark both ways, as Cloudflare's read replication examples name it. */
export const bookmarkHeader = "x-d1-bookmark";

/**
 * D1 bookmarks are hex groups joined by dashes (`00000001-00000002-00004e2f-0a83…`), sortable and
 * otherwise opaque. We check the shape, not the exact group sizes, so a longer future bookmark
 * still works; anything else is a client bug, and D1 itself would only fail later with a 500.
 */
const bookmarkShape = /^[0-9a-f]+(?:-[0-9a-f]+)*$/i;
const longestBookmark = 128;

/** The bookmark the client sent back, if any (an empty header is none); a malformed one is a 400 naming the header. */
function clientBookmark(c: Context<AppEnv>): string | undefined {
  const bookmark = c.req.header(bookmarkHeader);
  if (!bookmark) return undefined;
  if (bookmark.length > longestBookmark || !bookmarkShape.test(bookmark)) {
    const message = `must be a bookmark this API returned in ${bookmarkHeader}`;
    throw badRequest(`Invalid ${bookmarkHeader}: ${message}`, { [bookmarkHeader]: [message] });
  }
  return bookmark;
}

/**
 * Where a session whose reads a nearby replica may serve starts: at a replica at least as recent as
 * the client's bookmark (so the client reads its own writes), or at any replica when it sent none.
 */
const replicaConstraint = (c: Context<AppEnv>) => clientBookmark(c) ?? "first-unconstrained";

/**
 * Opens the request's D1 session (`c.var.db`) and hands its bookmark back in `x-d1-bookmark`, for
 * the client to send with its next request. Reads (GET, HEAD, and routes that declare
 * `replicaReads`) may be served by a replica near the caller; anything else starts on the
 * primary, so what a write checks first is current (the writes themselves always go to the primary).
 *
 * @example app.use("/api/*", d1Session())
 */
export function d1Session(): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async function d1Session(c, next) {
    const reads = c.req.method === "GET" || c.req.method === "HEAD" || matchedRoutes(c).some(({ handler }) => handler === replicaReads);
    // Read on every route, so a malformed bookmark is refused alike; the primary is at least as recent as any.
    const replica = replicaConstraint(c);
    c.set("db", c.env.DB.withSession(reads ? replica : "first-primary"));
    await next();
    const bookmark = c.var.db.getBookmark();
    if (bookmark) c.header(bookmarkHeader, bookmark);
  });
}

/**
 * Declares a POST route that only reads, or whose writes are conditional on the row's state (so
 * a stale read cannot make them wrong): `d1Session` lets a replica serve its reads, as a GET's.
 * It does nothing itself.
 *
 * @example middleware: [replicaReads, audited(tokenAudit, appointmentInPath)] as const
 */
export const replicaReads: MiddlewareHandler<AppEnv> = createMiddleware<AppEnv>(async function replicaReads(_c, next) {
  await next();
});
