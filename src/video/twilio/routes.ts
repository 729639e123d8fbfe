import { z } from "@hono/zod-openapi";
import type { Caller } from "../../auth/claims";
import { appointmentForCaller } from "../../appointments/access";
import type { AppointmentWithParties } from "../../appointments/queries";
import { appointmentIdParamSchema } from "../../appointments/schemas";
import { meetingUrl } from "../../appointments/views";
import { optional } from "../../env";
import { ApiError } from "../../errors";
import { authedRoute, createRouter, errorBodySchema, errorResponses, jsonResponse } from "../../router";
import { isoFromSeconds, nowSeconds } from "../../time/iso";
import { buildingToken, openRoom, requireProvider, requiredSettings } from "../room-entry";
import { tokenExpiresAt, type TokenPurpose } from "../token-ttl";
import { buildTwilioAccessToken } from "./access-token";
import { createOrFetchRoom } from "./rooms-client";
import {
  twilioRefreshResponseSchema,
  twilioTokenIdentity,
  twilioTokenResponse,
  twilioTokenResponseSchema,
  type TwilioTokenResponse,
} from "./token-response";

const failureResponses = {
  500: { description: "Twilio is not configured; the message names the missing setting", content: { "application/json": { schema: errorBodySchema } } },
  502: { description: "Twilio answered with an error; the message carries Twilio's code", content: { "application/json": { schema: errorBodySchema } } },
} as const;

const partiesOnly =
  "Only the appointment's psychologist and patient; admins are not parties. Refused outside the join window " +
  "(15 minutes before the start to 30 minutes after the end) and for cancelled or completed appointments.";

const tokenRoute = authedRoute({
  method: "get",
  path: "/api/appointments/video-token/{id}/",
  summary: "A Twilio Video access token for the appointment's room",
  description: `${partiesOnly} The token lives the session plus 30 minutes, at least 1 and at most 4 hours.`,
  request: { params: appointmentIdParamSchema },
  responses: { 200: jsonResponse(twilioTokenResponseSchema, "The caller's token"), ...errorResponses, 500: failureResponses[500] },
});

const refreshRoute = authedRoute({
  method: "get",
  path: "/api/appointments/video-token-refresh/{id}/",
  summary: "A fresh Twilio Video access token that covers reconnects until the room closes",
  description: `${partiesOnly} The token expires when the room closes, 30 minutes after the booked end.`,
  request: { params: appointmentIdParamSchema },
  responses: { 200: jsonResponse(twilioRefreshResponseSchema, "The caller's refreshed token"), ...errorResponses, 500: failureResponses[500] },
});

const roomResponseSchema = z
  .object({ message: z.string(), room_name: z.string(), room_sid: z.string(), meeting_url: z.string().nullable() })
  .openapi("TwilioVideoRoom");

const roomRoute = authedRoute({
  method: "post",
  path: "/api/appointments/video-room/{id}/",
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
  .openapi(tokenRoute, async (c) => {
    const now = nowSeconds();
    return c.json(await issueTwilioToken(c.env, c.req.valid("param").id, c.get("caller"), "join", now), 200);
  })
  .openapi(refreshRoute, async (c) => {
    const now = nowSeconds();
    const body = await issueTwilioToken(c.env, c.req.valid("param").id, c.get("caller"), "renewal", now);
    return c.json({ ...body, refreshed_at: isoFromSeconds(now) }, 200);
  })
  .openapi(roomRoute, async (c) => {
    const now = nowSeconds();
    const appointment = await enterableAppointment(c.env.DB, c.req.valid("param").id, c.get("caller"));
    const { roomName } = openRoom(appointment, "appointment", now);
    const settings = requiredSettings(c.env, ["TWILIO_API_KEY_SID", "TWILIO_API_KEY_SECRET"], "Failed to create video room");
    const { room, created } = await createOrFetchRoom(
      {
        baseUrl: optional(c.env.TWILIO_VIDEO_BASE_URL) ?? "https://video.twilio.com",
        apiKeySid: settings.TWILIO_API_KEY_SID,
        apiKeySecret: settings.TWILIO_API_KEY_SECRET,
      },
      {
        uniqueName: roomName,
        maxParticipants: roomMaxParticipants(c.env.TWILIO_ROOM_MAX_PARTICIPANTS),
        emptyRoomTimeoutMinutes: 15,
        // Twilio accepts at most 60; a room nobody joins goes away after the session would have.
        unusedRoomTimeoutMinutes: Math.min(appointment.duration_minutes + 30, 60),
        statusCallbackUrl: `${c.env.PUBLIC_BASE_URL.replace(/\/+$/, "")}/api/webhooks/twilio/video`,
      },
    );
    console.log(JSON.stringify({ event: "twilio_room_ready", appointment_id: appointment.id, room_sid: room.sid, created }));
    const body = {
      message: created ? "Video room created" : "Video room already exists",
      room_name: room.unique_name,
      room_sid: room.sid,
      meeting_url: meetingUrl(c.env.MEETING_BASE_URL, roomName),
    };
    return created ? c.json(body, 201) : c.json(body, 200);
  });

/** A Twilio appointment of which the caller is a party (admins are not: they never enter rooms). */
async function enterableAppointment(db: D1Database, id: number, caller: Caller): Promise<AppointmentWithParties> {
  const appointment = await appointmentForCaller(db, id, caller, { admins: false });
  requireProvider(appointment, "twilio");
  return appointment;
}

/** The token and its refresh differ only in how long the token lives (`tokenExpiresAt`). */
async function issueTwilioToken(env: Env, id: number, caller: Caller, purpose: TokenPurpose, now: number): Promise<TwilioTokenResponse> {
  const appointment = await enterableAppointment(env.DB, id, caller);
  const { roomName, window } = openRoom(appointment, "appointment", now);
  const settings = requiredSettings(env, ["TWILIO_ACCOUNT_SID", "TWILIO_API_KEY_SID", "TWILIO_API_KEY_SECRET"], "Failed to generate access token");
  const email = appointment.psychologist_id === caller.id ? appointment.psychologist_email : appointment.patient_email;
  const identity = twilioTokenIdentity(caller.id, email);
  const expiresAt = tokenExpiresAt(purpose, { durationMinutes: appointment.duration_minutes, roomClosesAt: window.closesAt }, now);
  const { token } = await buildingToken(() =>
    buildTwilioAccessToken({
      accountSid: settings.TWILIO_ACCOUNT_SID,
      apiKeySid: settings.TWILIO_API_KEY_SID,
      apiKeySecret: settings.TWILIO_API_KEY_SECRET,
      identity,
      room: roomName,
      ttlSeconds: expiresAt - now,
      now,
    }),
  );
  console.log(JSON.stringify({ event: "video_token_issued", provider: "twilio", appointment_id: appointment.id, user_id: caller.id, purpose }));
  return twilioTokenResponse({ token, expiresAt, now, roomName, identity, appointmentId: appointment.id, durationMinutes: appointment.duration_minutes });
}

/** Two by default (the psychologist and the patient); Twilio's group rooms take at most 50. */
function roomMaxParticipants(setting: string | undefined): number {
  const value = optional(setting);
  if (value === undefined) return 2;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 2 || count > 50) {
    throw new ApiError(500, "Failed to create video room: TWILIO_ROOM_MAX_PARTICIPANTS must be a whole number from 2 to 50");
  }
  return count;
}
