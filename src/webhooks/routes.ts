import { optional } from "../env";
import { ApiError, badRequest } from "../errors";
import { agoraChannelEvent, twilioRoomEvent, type RoomEvent } from "../rooms/room-events";
import { roomStub } from "../rooms/room-stub";
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, errorResponses, jsonResponse } from "../router";
import { verifyAgoraNcsSignature } from "../video/agora/ncs-signature";
import { verifiedTwilioForm } from "./verified-twilio-form";

/**
 * The providers' room webhooks. No JWT here (app.ts): each request is authenticated by its
 * provider's signature before anything is parsed or stored. Both answer 200 with what became of
 * the event, 400 when a signed body is not an event we can read, 403 when the signature fails.
 */
const deliveryBodySchema = z
  .object({ delivery: z.enum(["applied", "duplicate", "ignored"]).openapi({ description: "ignored: an unknown room, or another Agora product" }) })
  .openapi("WebhookDelivery");

// Documented without a request schema: the signature must be checked on the raw body first.
const webhookResponses = {
  200: jsonResponse(deliveryBodySchema, "Stored before this answer (or ignored)"),
  400: errorResponses[400],
  403: errorResponses[403],
  413: { description: "Body over 64 KiB" },
} as const;

const twilioVideoRoute = createRoute({
  method: "post",
  path: "/api/webhooks/twilio/video",
  summary: "Twilio Video room status callback (signed with X-Twilio-Signature)",
  description: "Form-encoded; room-created, room-ended, participant-connected/-disconnected, track and recording events.",
  responses: webhookResponses,
});

const agoraNcsRoute = createRoute({
  method: "post",
  path: "/api/webhooks/agora/ncs",
  summary: "Agora NCS RTC channel event (signed with Agora-Signature-V2, or Agora-Signature)",
  description: "JSON; channel create/destroy, broadcaster and audience join/leave, role changes. Other products are ignored.",
  responses: webhookResponses,
});

export const webhookRoutes = createRouter()
  .openapi(twilioVideoRoute, async (c) => {
    const event = twilioRoomEvent(await verifiedTwilioForm(c));
    if (!event) throw badRequest("Not a Twilio Video room status callback");
    return c.json({ delivery: await deliver(c.env, event) }, 200);
  })
  .openapi(agoraNcsRoute, async (c) => {
    // The signature covers the bytes Agora sent, so they are read raw and parsed only once verified.
    const rawBody = await c.req.text();
    const secret = optional(c.env.AGORA_NCS_SECRET);
    const signed =
      secret !== undefined &&
      (await verifyAgoraNcsSignature({ secret, rawBody, signatureV2: c.req.header("agora-signature-v2"), signatureV1: c.req.header("agora-signature") }));
    if (!signed) throw new ApiError(403, "Invalid webhook signature");
    const body = parseJson(rawBody);
    // Notices of other Agora products (recording, media push) are theirs, not a room's.
    if (isOtherAgoraProduct(body)) return c.json({ delivery: "ignored" as const }, 200);
    const event = agoraChannelEvent(body);
    if (!event) throw badRequest("Not an Agora RTC channel event");
    return c.json({ delivery: await deliver(c.env, event) }, 200);
  });

/**
 * Hands the event to its room's object and waits until it is stored, so an acknowledged event is
 * never lost: the object's work is one storage write (a D1 read on a room's first event), quick
 * enough to await before answering rather than risk it in waitUntil.
 */
function deliver(env: Env, event: RoomEvent) {
  return roomStub(env, event.roomName).receiveEvent(event);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest("Malformed JSON in request body");
  }
}

function isOtherAgoraProduct(body: unknown): boolean {
  const productId = typeof body === "object" && body !== null ? (body as { productId?: unknown }).productId : undefined;
  return typeof productId === "number" && productId !== 1;
}
