import type { Context, MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import { type AuditAction, auditEvent, recordAudit } from "../audit/record";
import type { AppEnv } from "../base/app-env";
import { pathIdSchema } from "../base/caller";
import { ApiError } from "../base/errors";
import { nowSeconds } from "../time/iso";

/** What a route's request was about, read from its path: an appointment, a user, or neither. */
export type AuditSubject = (c: Context<AppEnv>) => { appointmentId?: number | null; subjectUserId?: number | null };

/** An id as the routes accept it (`pathIdSchema`), or null for anything they refuse. */
const pathId = (value: string | undefined) => pathIdSchema.safeParse(value).data ?? null;

/** The appointment named by the route's `{id}`. */
export const appointmentInPath: AuditSubject = (c) => ({ appointmentId: pathId(c.req.param("id")) });
/** The user named by the route's `{id}`. */
export const userInPath: AuditSubject = (c) => ({ subjectUserId: pathId(c.req.param("id")) });
/** The session a room-name route found (the route sets `appointmentId`), null when it found none. */
export const sessionFound: AuditSubject = (c) => ({ appointmentId: c.get("appointmentId") ?? null });

/**
 * Records the route's request in the audit trail once it has answered: `ok`, or the refusal's
 * code (its status, and the ApiError's `reason` when it has one; never the message, which may
 * name times or other health data). Refusals may be their own action (`token.refused`). The row is
 * written after the answer, through `waitUntil`. It runs after the route's access declaration (a caller is known)
 * and before its role check, so a caller refused for their role is recorded too.
 *
 * @example middleware: [audited({ ok: "token.issued", refused: "token.refused" }, appointmentInPath)] as const
 */
export function audited(
  action: AuditAction | { ok: AuditAction; refused: AuditAction },
  subject: AuditSubject = () => ({}),
): MiddlewareHandler<AppEnv> {
  const { ok, refused } = typeof action === "string" ? { ok: action, refused: action } : action;
  return createMiddleware<AppEnv>(async function audited(c, next) {
    await next();
    const outcome = refusalCode(c);
    const event = auditEvent(outcome ? refused : ok, c.get("caller"), { ...subject(c), outcome: outcome ?? "ok" }, nowSeconds());
    recordAudit(c.env.DB, c.executionCtx, event);
  });
}

/** Undefined for a success; otherwise the status, with the ApiError's reason code when it gives one. */
function refusalCode(c: Context<AppEnv>): string | undefined {
  if (c.res.status < 400) return undefined;
  const reason = c.error instanceof ApiError ? c.error.extra.reason : undefined;
  return reason ? `${c.res.status}:${reason}` : String(c.res.status);
}

/** Every route that hands out room credentials records both outcomes alike. */
export const tokenAudit = { ok: "token.issued", refused: "token.refused" } as const;
