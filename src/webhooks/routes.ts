import { optional } from "../env";
import { ApiError, badRequest } from "../errors";
import { agoraChannelEvent, twilioRoomEvent, type RoomEvent } from "../rooms/room-events";
import { roomStub } from "../rooms/room-stub";
import { createRouter } from "../router";
import { verifyAgoraNcsSignature } from "../video/agora/ncs-signature";
import { verifiedTwilioForm } from "./verified-twilio-form";

/**
 * The providers' room webhooks. No JWT here (app.ts): each request is authenticated by its
 * provider's signature before anything is parsed or stored. Both answer 200 with what became of
 * the event, 400 when a signed body is not an event we can read, 403 when the signature fails.
 */
export const webhookRoutes = createRouter()
  .post("/api/webhooks/twilio/video", async (c) => {
    const event = twilioRoomEvent(await verifiedTwilioForm(c));
    if (!event) throw badRequest("Not a Twilio Video room status callback");
    return c.json({ delivery: await deliver(c.env, event) }, 200);
  })
  .post("/api/webhooks/agora/ncs", async (c) => {
    // The signature covers the bytes Agora sent, so they are read raw and parsed only once verified.
    const rawBody = await c.req.text();
    const secret = optional(c.env.AGORA_NCS_SECRET);
    const signed =
      secret !== undefined &&
      (await verifyAgoraNcsSignature({ secret, rawBody, signatureV2: c.req.header("agora-signature-v2"), signatureV1: c.req.header("agora-signature") }));
    if (!signed) throw new ApiError(403, "Invalid webhook signature");
    const body = parseJson(rawBody);
    // Notices of other Agora products (recording, media push) are theirs, not a room's.
    if (isOtherAgoraProduct(body)) return c.json({ delivery: "ignored" }, 200);
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
