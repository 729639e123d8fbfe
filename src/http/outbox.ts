import { z } from "@hono/zod-openapi";
import { requireRole } from "../auth/middleware";
import { authedRoute } from "../auth/route-access";
import { refuseInactive } from "../base/caller";
import { pageBounds, pageEnvelope, pageEnvelopeSchema, pageQueryFields } from "../base/pagination";
import { createRouter, errorResponses, jsonResponse } from "../base/router";
import { listOutbox, type OutboxRow } from "../reminders/outbox";
import { isoFromSeconds } from "../time/iso";
import { audited } from "./audited";

const outboxEntrySchema = z
  .object({
    id: z.number().int(),
    reminder_id: z.number().int(),
    channel: z.enum(["whatsapp", "email"]),
    to: z.string(),
    subject: z.string().nullable(),
    body: z.string(),
    payload: z.unknown().openapi({ description: "The provider request that would have been made, without credentials" }),
    created_at: z.string(),
  })
  .openapi("OutboxEntry");

const outboxRoute = authedRoute({
  method: "get",
  path: "/api/admin/outbox",
  summary: "Messages held in the local outbox (admin; providers not configured)",
  middleware: [audited("outbox.read"), requireRole("admin")] as const,
  request: { query: z.object(pageQueryFields(50, 200)) },
  responses: { 200: jsonResponse(pageEnvelopeSchema(outboxEntrySchema), "One page, newest first"), ...errorResponses },
});

export const outboxRoutes = createRouter().openapi(outboxRoute, async (c) => {
  const query = c.req.valid("query");
  const { count, rows, callerActive } = await listOutbox(c.env.DB, pageBounds(query), c.get("caller").id);
  refuseInactive(callerActive);
  return c.json(pageEnvelope(c.req.url, query, count, rows.map(outboxEntryView)), 200);
});

function outboxEntryView(row: OutboxRow) {
  return {
    id: row.id,
    reminder_id: row.reminder_id,
    channel: row.channel,
    to: row.recipient,
    subject: row.subject,
    body: row.body,
    payload: JSON.parse(row.payload) as unknown,
    created_at: isoFromSeconds(row.created_at),
  };
}
