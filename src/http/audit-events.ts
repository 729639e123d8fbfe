import { z } from "@hono/zod-openapi";
import { isoDateTimeWithOffset } from "../appointments/schemas";
import { type AuditEventRow, listAuditEvents } from "../audit/queries";
import { auditActions } from "../audit/record";
import { requireRole } from "../auth/middleware";
import { authedRoute } from "../auth/route-access";
import { refuseInactive, userIdSchema } from "../base/caller";
import { pageBounds, pageEnvelope, pageEnvelopeSchema, pageQueryFields } from "../base/pagination";
import { createRouter, errorResponses, jsonResponse } from "../base/router";
import { isoFromSeconds, secondsFromIso } from "../time/iso";
import { audited } from "./audited";

const auditQuerySchema = z.object({
  appointment_id: z.coerce.number().int().positive().optional().openapi({ example: 42 }),
  actor_id: userIdSchema.optional().openapi({ example: 101 }),
  action: z.enum(auditActions).optional().openapi({ example: "token.refused" }),
  from: isoDateTimeWithOffset.optional().openapi({ description: "Events at or after this instant", example: "2026-11-01T00:00:00Z" }),
  to: isoDateTimeWithOffset.optional().openapi({ description: "Events before this instant", example: "2026-12-01T00:00:00Z" }),
  ...pageQueryFields(50, 200),
});

const auditEventSchema = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actor_id: z.number().int().nullable().openapi({ description: "Null when the system acted (cron, queue, webhook)" }),
    actor_role: z.string().openapi({ example: "patient" }),
    action: z.enum(auditActions),
    appointment_id: z.number().int().nullable(),
    subject_user_id: z.number().int().nullable().openapi({ description: "The user the action was about, such as a synced user" }),
    outcome: z
      .string()
      .openapi({ description: "ok, or a short code: a refusal's status and reason (\"400:not_open_yet\"), a skip's reason" }),
  })
  .openapi("AuditEvent");

const auditEventsRoute = authedRoute({
  method: "get",
  path: "/api/admin/audit-events/",
  summary: "The audit trail: who did what to which appointment (admin)",
  description: "Ids and outcome codes only, newest first. Every filter given must match. Reading it is itself recorded (`audit.read`).",
  middleware: [audited("audit.read"), requireRole("admin")] as const,
  request: { query: auditQuerySchema },
  responses: { 200: jsonResponse(pageEnvelopeSchema(auditEventSchema), "One page, newest first"), ...errorResponses },
});

export const auditEventRoutes = createRouter().openapi(auditEventsRoute, async (c) => {
  const query = c.req.valid("query");
  const filter = {
    appointmentId: query.appointment_id,
    actorId: query.actor_id,
    action: query.action,
    from: query.from === undefined ? undefined : secondsFromIso(query.from),
    to: query.to === undefined ? undefined : secondsFromIso(query.to),
  };
  const { count, rows, callerActive } = await listAuditEvents(c.env.DB, filter, pageBounds(query), c.get("caller").id);
  refuseInactive(callerActive);
  return c.json(pageEnvelope(c.req.url, query, count, rows.map(auditEventView)), 200);
});

function auditEventView(row: AuditEventRow) {
  return { ...row, at: isoFromSeconds(row.at) };
}
