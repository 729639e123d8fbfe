import type { Context } from "hono";
import { bookingParties } from "../../appointments/booking";
import {
  type AppointmentWithParties,
  findAppointment,
  listAppointments,
  transitionStatement,
  transitionStatus,
} from "../../appointments/queries";
import { videoCallChannelName } from "../../appointments/room-names";
import { type AppointmentStatus, appointmentIdParamSchema } from "../../appointments/schemas";
import { authedRoute } from "../../auth/route-access";
import type { AppEnv } from "../../base/app-env";
import { refuseInactive } from "../../base/caller";
import type { Database } from "../../base/database";
import { badRequest, notFound } from "../../base/errors";
import { pageBounds, pageEnvelope, pageEnvelopeSchema } from "../../base/pagination";
import { createRouter, errorBodySchema, errorResponses, jsonBody, jsonResponse } from "../../base/router";
import { applyWithNotices, appointmentChanged, bookAppointmentWithNotices } from "../../lifecycle/appointment-lifecycle";
import { isoFromSeconds, nowSeconds, secondsFromIso } from "../../time/iso";
import { admitToRoom } from "../../video/room-admission";
import { openRoom } from "../../video/room-entry";
import type { TokenPurpose } from "../../video/token-ttl";
import { appointmentInPath, audited, tokenAudit } from "../audited";
import { changeContext } from "../change-context";
import { replicaReads } from "../d1-session";
import { idempotencyHeadersSchema } from "../idempotency/idempotency-key";
import { idempotencyResponses, idempotent } from "../idempotency/idempotent";
import { videoCallForCaller } from "./access";
import { createVideoCallSchema, listVideoCallsQuerySchema, videoCallSchema, videoCallTokenSchema } from "./schemas";
import { videoCallStatus, videoCallView } from "./views";

const base = "/api/v1/video/video-calls";
const tokenFailure = {
  description: "Agora is not configured; the message names the missing setting",
  content: { "application/json": { schema: errorBodySchema } },
};

const listRoute = authedRoute({
  method: "get",
  path: `${base}/`,
  summary: "The caller's video calls (admins: all)",
  request: { query: listVideoCallsQuerySchema },
  responses: { 200: jsonResponse(pageEnvelopeSchema(videoCallSchema), "One page, in start order"), ...errorResponses },
});

const createRoute = authedRoute({
  method: "post",
  path: `${base}/`,
  summary: "Schedule an Agora video call",
  description:
    "Psychologists schedule for themselves, patients with a doctor, admins for anyone. Neither party may have another call within 30 minutes of it.",
  middleware: [idempotent] as const,
  request: { headers: idempotencyHeadersSchema, body: jsonBody(createVideoCallSchema) },
  responses: { 201: jsonResponse(videoCallSchema, "Scheduled"), ...errorResponses, ...idempotencyResponses },
});

const detailRoute = authedRoute({
  method: "get",
  path: `${base}/{id}/`,
  summary: "One video call",
  middleware: [audited("appointment.read", appointmentInPath)] as const,
  request: { params: appointmentIdParamSchema },
  responses: { 200: jsonResponse(videoCallSchema, "The call"), ...errorResponses },
});

const tokenRoutes = (action: "join" | "token", summary: string, description: string) =>
  authedRoute({
    method: "post",
    path: `${base}/{id}/${action}/`,
    access: { session: "id", limited: true },
    // A join's only write (`startCall`) is conditional on the call's status, so a replica's slightly older read cannot make it wrong.
    middleware: [replicaReads, audited(tokenAudit, appointmentInPath)] as const,
    summary,
    description: `${description} Doctor and patient only, from 15 minutes before the start until 30 minutes after the end.`,
    request: { params: appointmentIdParamSchema },
    responses: { 200: jsonResponse(videoCallTokenSchema, "The caller's Agora token"), ...errorResponses, 500: tokenFailure },
  });

const joinRoute = tokenRoutes(
  "join",
  "Join the call",
  "The call starts when the first party connects, as Agora's NCS reports it (without NCS configured: the first join). The token lives the session plus 30 minutes, at least 1 and at most 4 hours.",
);
const renewRoute = tokenRoutes(
  "token",
  "Renew the caller's token",
  "For the client's token-privilege-will-expire event: the token lasts until the room closes.",
);

const changeRoute = (action: "end" | "cancel", summary: string) =>
  authedRoute({
    method: "post",
    path: `${base}/{id}/${action}/`,
    summary,
    request: { params: appointmentIdParamSchema },
    responses: { 200: jsonResponse(videoCallSchema, "The call after the change"), ...errorResponses },
  });

const endRoute = changeRoute("end", "End an ongoing call (doctor and patient)");
const cancelRoute = changeRoute("cancel", "Cancel a scheduled call (doctor, patient or an admin)");

export const videoCallRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const query = c.req.valid("query");
    const caller = c.get("caller");
    const { count, rows, callerActive } = await listAppointments(
      c.var.db,
      {
        ...(caller.role === "admin"
          ? {}
          : { party: { column: caller.role === "psychologist" ? "psychologist_id" : "patient_id", id: caller.id } }),
        sessionType: "telehealth",
        videoProvider: "agora",
        ...pageBounds(query),
      },
      caller.id,
    );
    refuseInactive(callerActive);
    return c.json(pageEnvelope(c.req.url, query, count, rows.map(videoCallView)), 200);
  })
  .openapi(createRoute, async (c) => {
    const input = c.req.valid("json");
    const { psychologistId, patientId } = bookingParties({ psychologist_id: input.doctor, patient_id: input.patient }, c.get("caller"));
    const now = nowSeconds();
    const row = await bookAppointmentWithNotices(
      changeContext(c),
      {
        psychologistId,
        patientId,
        startsAt: secondsFromIso(input.scheduled_time),
        durationMinutes: input.duration_minutes,
        sessionType: "telehealth",
        serviceName: null,
        videoProvider: "agora",
        roomNameTemplate: videoCallChannelName(now),
      },
      now,
      {
        gapSeconds: 30 * 60,
        clashMessage: "There is already a scheduled call within 30 minutes of this time",
        fields: { start: "scheduled_time", psychologist: "doctor", patient: "patient" },
        bookedBy: c.get("caller"),
      },
    );
    return c.json(videoCallView(await reread(c.var.db, row.id)), 201);
  })
  .openapi(detailRoute, async (c) => {
    const call = await videoCallForCaller(c.var.db, c.req.valid("param").id, c.get("caller"), { admins: true });
    return c.json(videoCallView(call), 200);
  })
  .openapi(joinRoute, async (c) => c.json(await issueAgoraToken(c, c.req.valid("param").id, "join"), 200))
  .openapi(renewRoute, async (c) => c.json(await issueAgoraToken(c, c.req.valid("param").id, "renewal"), 200))
  .openapi(endRoute, async (c) => {
    const call = await videoCallForCaller(c.var.db, c.req.valid("param").id, c.get("caller"), { admins: false });
    const now = nowSeconds();
    const change = { from: ["ongoing" as const], to: "completed" as const, endedAt: now, refusal: "Only an ongoing call can be ended" };
    return c.json(videoCallView(await moveCall(c, call, change, now)), 200);
  })
  .openapi(cancelRoute, async (c) => {
    const call = await videoCallForCaller(c.var.db, c.req.valid("param").id, c.get("caller"), { admins: true });
    const change = {
      from: ["scheduled" as const, "confirmed" as const],
      to: "cancelled" as const,
      refusal: "Only a scheduled call can be cancelled",
    };
    return c.json(videoCallView(await moveCall(c, call, change, nowSeconds())), 200);
  });

/**
 * An Agora token for the caller in the call's channel: a first join or a renewal. Both are for
 * parties only, inside the join window, with the publisher's privileges. A token does not mean
 * anyone connected: with NCS configured the room object starts the call on the first party's
 * join event, so a call nobody entered can still be cancelled; without NCS, the join is all we hear.
 */
async function issueAgoraToken(c: Context<AppEnv>, id: number, purpose: TokenPurpose) {
  const caller = c.get("caller");
  const config = c.get("config");
  const now = nowSeconds();
  const call = await videoCallForCaller(c.var.db, id, caller, { admins: false });
  const { channel, token, uid, expiresAt } = await admitToRoom(config, call, caller, { purpose, noun: "call" }, now);
  if (purpose === "join" && !config.agora.ncsSecret) await startCall(c.var.db, call, now);
  return { channel_name: channel, token, uid, expiration_time: isoFromSeconds(expiresAt) };
}

/**
 * Without NCS, the first join moves the call to ongoing. The transition is conditional on the
 * status, so of two concurrent first joins one starts the call and the other finds it already
 * ongoing; a call cancelled or ended in between refuses the join.
 */
async function startCall(db: Database, call: AppointmentWithParties, now: number): Promise<void> {
  if (call.status === "ongoing") return;
  if (await transitionStatus(db, call.id, ["scheduled", "confirmed"], "ongoing", now, { startedAt: now })) return;
  openRoom(await reread(db, call.id), "call", now);
}

type StatusChange = { from: AppointmentStatus[]; to: AppointmentStatus; endedAt?: number; refusal: string };

/**
 * Applies a status change if the call is still in one of `from` (conditionally, so two racing
 * requests cannot both apply it) and lets the parties and the room know; otherwise a 400 with
 * the refusal and the call's status.
 */
async function moveCall(
  c: Context<AppEnv>,
  call: AppointmentWithParties,
  change: StatusChange,
  now: number,
): Promise<AppointmentWithParties> {
  const db = c.var.db;
  const context = changeContext(c);
  const times = change.endedAt === undefined ? {} : { endedAt: change.endedAt };
  const moved = await applyWithNotices(
    context,
    call,
    now,
  )(transitionStatement(db, call.id, change.from, change.to, now, times), {
    status: change.to,
    startsAt: call.starts_at,
  });
  const current = await reread(db, call.id);
  if (!moved) throw badRequest(`${change.refusal}; this call is ${videoCallStatus(current.status)}`);
  await appointmentChanged(context, call, moved, now);
  return current;
}

async function reread(db: Database, id: number): Promise<AppointmentWithParties> {
  const call = await findAppointment(db, id);
  if (!call) throw notFound("Video call not found");
  return call;
}
