import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { appointmentForCaller } from "../../appointments/access";
import type { AppointmentWithParties } from "../../appointments/queries";
import { appointmentIdParamSchema } from "../../appointments/schemas";
import { meetingUrl } from "../../appointments/views";
import { authedRoute } from "../../auth/route-access";
import type { AppEnv } from "../../base/app-env";
import { valid } from "../../base/config";
import { createRouter, errorBodySchema, errorResponses, jsonResponse } from "../../base/router";
import { createOrFetchRoom } from "../../providers/twilio/rooms-client";
import { twilioRestCredentials, twilioVideoWebhookPath } from "../../providers/twilio/video-adapter";
import { isoFromSeconds, nowSeconds } from "../../time/iso";
import { admitToRoom } from "../../video/room-admission";
import { openRoom, requireProvider } from "../../video/room-entry";
import type { TokenPurpose } from "../../video/token-ttl";
import { appointmentInPath, audited, tokenAudit } from "../audited";
import { type TwilioTokenResponse, twilioRefreshResponseSchema, twilioTokenResponse, twilioTokenResponseSchema } from "./token-response";

const failureResponses = {
  500: {
    description: "Twilio is not configured; the message names the missing setting",
    content: { "application/json": { schema: errorBodySchema } },
  },
  502: {
    description: "Twilio answered with an error; the message carries Twilio's code",
    content: { "application/json": { schema: errorBodySchema } },
  },
} as const;

const partiesOnly =
  "Only the appointment's psychologist and patient; admins are not parties. Refused outside the join window " +
  "(15 minutes before the start to 30 minutes after the end) and for cancelled or completed appointments.";

const tokenRoute = authedRoute({
  method: "get",
  path: "/api/appointments/video-token/{id}/",
  access: { session: "id", limited: true },
  summary: "A Twilio Video access token for the appointment's room",
  middleware: [audited(tokenAudit, appointmentInPath)] as const,
  description: `${partiesOnly} The token lives the session plus 30 minutes, at least 1 and at most 4 hours.`,
  request: { params: appointmentIdParamSchema },
  responses: { 200: jsonResponse(twilioTokenResponseSchema, "The caller's token"), ...errorResponses, 500: failureResponses[500] },
});

const refreshRoute = authedRoute({
  method: "get",
  path: "/api/appointments/video-token-refresh/{id}/",
  access: { session: "id", limited: true },
  summary: "A fresh Twilio Video access token that covers reconnects until the room closes",
  middleware: [audited(tokenAudit, appointmentInPath)] as const,
  description: `${partiesOnly} The token expires when the room closes, 30 minutes after the booked end.`,
  request: { params: appointmentIdParamSchema },
  responses: {
    200: jsonResponse(twilioRefreshResponseSchema, "The caller's refreshed token"),
    ...errorResponses,
    500: failureResponses[500],
  },
});

const roomResponseSchema = z
  .object({ message: z.string(), room_name: z.string(), room_sid: z.string(), meeting_url: z.string().nullable() })
  .openapi("TwilioVideoRoom");

const roomRoute = authedRoute({
  method: "post",
  path: "/api/appointments/video-room/{id}/",
  access: { session: "id", limited: true },
  summary: "Create the appointment's Twilio room, or return it if it exists",
  description: `${partiesOnly} Idempotent: 201 when this call created the room, 200 when it already existed.`,
  request: { params: appointmentIdParamSchema },
  responses: {
    200: jsonResponse(roomResponseSchema, "The room already existed"),
    201: jsonResponse(roomResponseSchema, "Created"),
    ...errorResponses,
    ...failureResponses,
  },
});

export const twilioVideoRoutes = createRouter()
  .openapi(tokenRoute, async (c) => c.json(await issueTwilioToken(c, c.req.valid("param").id, "join", nowSeconds()), 200))
  .openapi(refreshRoute, async (c) => {
    const now = nowSeconds();
    const body = await issueTwilioToken(c, c.req.valid("param").id, "renewal", now);
    return c.json({ ...body, refreshed_at: isoFromSeconds(now) }, 200);
  })
  .openapi(roomRoute, async (c) => {
    const now = nowSeconds();
    const config = c.get("config");
    const appointment = await enterableAppointment(c, c.req.valid("param").id);
    const { roomName } = openRoom(appointment, "appointment", now);
    const { room, created } = await createOrFetchRoom(twilioRestCredentials(config, "Failed to create video room"), {
      uniqueName: roomName,
      maxParticipants: valid(config.twilio.roomMaxParticipants, "Failed to create video room"),
      emptyRoomTimeoutMinutes: 15,
      // Twilio accepts at most 60; a room nobody joins goes away after the session would have.
      unusedRoomTimeoutMinutes: Math.min(appointment.duration_minutes + 30, 60),
      statusCallbackUrl: `${config.publicBaseUrl}${twilioVideoWebhookPath}`,
    });
    console.log(JSON.stringify({ event: "twilio_room_ready", appointment_id: appointment.id, room_sid: room.sid, created }));
    const body = {
      message: created ? "Video room created" : "Video room already exists",
      room_name: room.unique_name,
      room_sid: room.sid,
      meeting_url: meetingUrl(config.meetingBaseUrl, roomName),
    };
    return created ? c.json(body, 201) : c.json(body, 200);
  });

/** A Twilio appointment of which the caller is a party (admins are not: they never enter rooms). */
async function enterableAppointment(c: Context<AppEnv>, id: number): Promise<AppointmentWithParties & { video_provider: "twilio" }> {
  const appointment = await appointmentForCaller(c.var.db, id, c.get("caller"), { admins: false });
  requireProvider(appointment, "twilio");
  return appointment;
}

/** The token and its refresh differ only in how long the token lives (`tokenExpiresAt`). */
async function issueTwilioToken(c: Context<AppEnv>, id: number, purpose: TokenPurpose, now: number): Promise<TwilioTokenResponse> {
  const appointment = await enterableAppointment(c, id);
  const connection = await admitToRoom(c.get("config"), appointment, c.get("caller"), { purpose, noun: "appointment" }, now);
  return twilioTokenResponse({ connection, now, appointmentId: appointment.id, durationMinutes: appointment.duration_minutes });
}
