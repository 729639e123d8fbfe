import { createRoute, z } from "@hono/zod-openapi";
import { requireRole } from "../auth/middleware";
import { badRequest } from "../errors";
import { pageBounds, pageEnvelope, pageEnvelopeSchema, pageQueryFields } from "../pagination";
import { authedRoute, createRouter, errorResponses, jsonResponse } from "../router";
import { isoFromSeconds, nowSeconds } from "../time/iso";
import { verifiedTwilioForm } from "../webhooks/verified-twilio-form";
import { deliveryStatuses, recordDeliveryStatus, type DeliveryStatus } from "./ledger-outcomes";
import { listOutbox, type OutboxRow } from "./outbox";
import { twilioMessagesWebhookPath } from "./senders";

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
  middleware: [requireRole("admin")] as const,
  request: { query: z.object(pageQueryFields(50, 200)) },
  responses: { 200: jsonResponse(pageEnvelopeSchema(outboxEntrySchema), "One page, newest first"), ...errorResponses },
});

const messageStatusRoute = createRoute({
  method: "post",
  path: twilioMessagesWebhookPath,
  summary: "Twilio message status callback (signed with X-Twilio-Signature)",
  description: "Records delivered, read, failed and undelivered on the reminder ledger row of the message's SID.",
  responses: { 204: { description: "Recorded or ignored" }, 400: errorResponses[400], 403: errorResponses[403] },
});

/** Twilio's statuses worth a ledger change; queued, sent and the like change nothing. */
const recordedStatuses = new Set<string>(deliveryStatuses);

export const reminderRoutes = createRouter()
  .openapi(outboxRoute, async (c) => {
    const query = c.req.valid("query");
    const { count, rows } = await listOutbox(c.env.DB, pageBounds(query));
    return c.json(pageEnvelope(c.req.url, query, count, rows.map(outboxEntryView)), 200);
  })
  .openapi(messageStatusRoute, async (c) => {
    const form = new Map(await verifiedTwilioForm(c));
    const messageSid = form.get("MessageSid");
    const status = form.get("MessageStatus");
    if (!messageSid || !status) throw badRequest("Not a Twilio message status callback");
    if (recordedStatuses.has(status)) {
      const recorded = await recordDeliveryStatus(c.env.DB, messageSid, status as DeliveryStatus, form.get("ErrorCode") || undefined, nowSeconds());
      console.log(JSON.stringify({ event: "whatsapp_status", message_sid: messageSid, status, recorded }));
    }
    return c.body(null, 204);
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
