import { z } from "@hono/zod-openapi";
import { appointmentForCaller } from "../appointments/access";
import type { AppointmentRow } from "../appointments/queries";
import { appointmentIdParamSchema } from "../appointments/schemas";
import { authedRoute } from "../auth/route-access";
import { badRequest, notFound } from "../base/errors";
import { createRouter, errorResponses, jsonResponse } from "../base/router";
import { roomCast } from "../rooms/room-cast";
import { roomStub } from "../rooms/room-stub";
import { roomSocketRequest } from "../rooms/socket-requests";
import { videoCallForCaller } from "./video-calls/access";
import { requireWebSocketUpgrade, upgradedTo, webSocketUpgradeResponses } from "./websocket-upgrade";

const namedOnly = "Sent with VIDEO_IDENTITY_MODE=opaque, where identities say nothing about the party; read from this service's own data.";

export const roomStatusSchema = z
  .object({
    room_name: z.string(),
    room_sid: z.string().nullable(),
    status: z.enum(["not_found", "in-progress", "completed"]),
    participants_count: z.number().int().openapi({ description: "Connected now" }),
    participants: z.array(
      z.object({
        sid: z.string(),
        identity: z.string(),
        user_id: z.number().int().optional().openapi({ description: namedOnly }),
        side: z.enum(["psychologist", "patient"]).optional().openapi({ description: namedOnly }),
        name: z
          .string()
          .optional()
          .openapi({ description: `The party's display name. ${namedOnly}` }),
        status: z.enum(["connected", "disconnected"]),
        duration: z.number().int().openapi({ description: "Connected seconds, the current spell included" }),
        connected_at: z.string().nullable(),
      }),
    ),
    duration: z.number().int().nullable().openapi({ description: "Seconds since the room was created, to its end once completed" }),
    created_at: z.string().nullable(),
    appointment_id: z.number().int(),
  })
  .openapi("VideoRoomStatus");

/** The room status route at `path`; the Twilio and the Agora front ends each call their own. */
const statusRoute = <const P extends string>(path: P, summary: string) =>
  authedRoute({
    method: "get",
    path,
    access: { session: "id" },
    summary,
    description: "`status` is `not_found` until the provider has reported the room. Durations are computed at read time.",
    request: { params: appointmentIdParamSchema },
    responses: { 200: jsonResponse(roomStatusSchema, "The room's live status"), ...errorResponses },
  });

const twilioStatusRoute = statusRoute("/api/appointments/video-status/{id}/", "Who is in the appointment's video room now (parties only)");
const agoraStatusRoute = statusRoute(
  "/api/v1/video/video-calls/{id}/status/",
  "Who is in the appointment's Agora channel now (parties only)",
);

const eventsRoute = authedRoute({
  method: "get",
  path: "/api/appointments/video-events/{id}/",
  access: { webSocket: true, session: "id", limited: true },
  summary: "Live room events over a WebSocket (parties only)",
  description:
    "Browsers cannot set Authorization on a WebSocket, so the JWT may come as `Sec-WebSocket-Protocol: bearer, <jwt>` " +
    '(answered with `bearer`) or a `token` query parameter. The first message is `{type: "status", data}` with the ' +
    "status endpoint's body; then `call.started`, `participant.joined`, `participant.left`, `call.ended`, `call.cancelled`. " +
    "Send `status` for a fresh status; `ping` is answered `pong`. Refused (400) once the appointment is cancelled. The " +
    "server closes the socket with 1000 right after `call.ended`, 4003 when the appointment is cancelled, 4006 when the token expires, 4007 when the " +
    "account is deactivated, and the reason in words.",
  request: { params: appointmentIdParamSchema },
  responses: { ...webSocketUpgradeResponses, ...errorResponses },
});

/** The live status and events of an appointment's video room, read from its room object. */
export const roomRoutes = createRouter()
  .openapi(twilioStatusRoute, async (c) => {
    const appointment = await appointmentForCaller(c.var.db, c.req.valid("param").id, c.get("caller"), { admins: false });
    const room = roomOf(appointment);
    return c.json(await roomStub(c.env, room.roomName).status(room, await roomCast(c.get("config"), appointment)), 200);
  })
  .openapi(agoraStatusRoute, async (c) => {
    const call = await videoCallForCaller(c.var.db, c.req.valid("param").id, c.get("caller"), {
      admins: false,
      notFound: "Appointment not found",
    });
    const room = roomOf(call);
    return c.json(await roomStub(c.env, room.roomName).status(room, await roomCast(c.get("config"), call)), 200);
  })
  .openapi(eventsRoute, async (c) => {
    requireWebSocketUpgrade(c.req.raw);
    // Before the read: a revocation that lands after it refuses this socket in the room object.
    const checkedAt = Date.now();
    const caller = c.get("caller");
    const appointment = await appointmentForCaller(c.var.db, c.req.valid("param").id, caller, { admins: false });
    if (appointment.status === "cancelled") throw badRequest("This appointment has been cancelled");
    const room = roomOf(appointment);
    const holder = { ...room, userId: caller.id, checkedAt, expiresAt: caller.expiresAt * 1000 };
    const stub = roomStub(c.env, room.roomName);
    const cast = await roomCast(c.get("config"), appointment);
    if (cast) await stub.rememberCast(cast);
    return upgradedTo(c.req.raw, await stub.fetch(roomSocketRequest({ kind: "events", holder })));
  });

function roomOf(appointment: Pick<AppointmentRow, "id" | "video_room_id">) {
  if (!appointment.video_room_id) throw notFound("No video room found for this appointment");
  return { roomName: appointment.video_room_id, appointmentId: appointment.id };
}
