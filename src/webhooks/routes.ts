import { z } from "@hono/zod-openapi";
import { publicRoute } from "../auth/route-access";
import { badRequest } from "../base/errors";
import { createRouter, errorResponses, jsonResponse } from "../base/router";
import { verifiedTwilioForm } from "../providers/twilio/webhook-request";
import type { RoomWebhook } from "../providers/video-adapter";
import { type DeliveryStatus, deliveryStatuses, recordDeliveryStatus } from "../reminders/ledger-outcomes";
import { twilioMessagesWebhookPath } from "../reminders/senders";
import { roomStub } from "../rooms/room-stub";
import { nowSeconds } from "../time/iso";
import { videoProviderAdapters } from "../video/provider-registry";

/**
 * Every inbound provider webhook. No JWT here (`publicRoute`): each request is authenticated by
 * its provider's signature before anything is parsed or stored.
 */
export const webhookRoutes = createRouter();

const deliveryBodySchema = z
  .object({
    delivery: z.enum(["applied", "duplicate", "ignored"]).openapi({ description: "ignored: an unknown room, or another product's notice" }),
  })
  .openapi("WebhookDelivery");

const signedByProvider = "The provider signs each request; the route verifies the signature before reading anything.";

// Documented without a request schema: the signature must be checked on the raw body first.
const roomWebhookResponses = {
  200: jsonResponse(deliveryBodySchema, "Stored before this answer (or ignored)"),
  400: errorResponses[400],
  403: errorResponses[403],
  413: { description: "Body over 64 KiB" },
} as const;

/**
 * Each provider's room webhook, from the registry. The event is handed to its room's object and
 * awaited until stored, so an acknowledged event is never lost: the object's work is one storage
 * write (a D1 read on a room's first event), quick enough to await rather than risk in waitUntil.
 */
for (const adapter of Object.values(videoProviderAdapters)) {
  const webhook: RoomWebhook | undefined = adapter.webhook;
  if (!webhook) continue;
  const route = publicRoute({
    method: "post",
    path: webhook.path,
    publicBecause: signedByProvider,
    summary: webhook.summary,
    description: webhook.description,
    responses: roomWebhookResponses,
  });
  webhookRoutes.openapi(route, async (c) => {
    const event = await webhook.receive(c.req.raw, c.get("config"));
    if (event === "ignored") return c.json({ delivery: "ignored" as const }, 200);
    return c.json({ delivery: await roomStub(c.env, event.roomName).receiveEvent(event) }, 200);
  });
}

const messageStatusRoute = publicRoute({
  method: "post",
  path: twilioMessagesWebhookPath,
  publicBecause: signedByProvider,
  summary: "Twilio message status callback (signed with X-Twilio-Signature)",
  description: "Records delivered, read, failed and undelivered on the reminder ledger row of the message's SID.",
  responses: { 204: { description: "Recorded or ignored" }, 400: errorResponses[400], 403: errorResponses[403] },
});

/** Twilio's statuses worth a ledger change; queued, sent and the like change nothing. */
const recordedStatuses = new Set<string>(deliveryStatuses);

webhookRoutes.openapi(messageStatusRoute, async (c) => {
  const config = c.get("config");
  const form = new Map(await verifiedTwilioForm(c.req.raw, { authToken: config.twilio.authToken, publicBaseUrl: config.publicBaseUrl }));
  const messageSid = form.get("MessageSid");
  const status = form.get("MessageStatus");
  if (!messageSid || !status) throw badRequest("Not a Twilio message status callback");
  if (recordedStatuses.has(status)) {
    const recorded = await recordDeliveryStatus(
      c.env.DB,
      messageSid,
      status as DeliveryStatus,
      form.get("ErrorCode") || undefined,
      nowSeconds(),
    );
    console.log(JSON.stringify({ event: "whatsapp_status", message_sid: messageSid, status, recorded }));
  }
  return c.body(null, 204);
});
