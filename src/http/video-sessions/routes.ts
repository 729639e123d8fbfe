import { sessionForParty } from "../../appointments/access";
import { joinWindow } from "../../appointments/join-window";
import { type AppointmentWithParties, findAppointmentForCaller } from "../../appointments/queries";
import { sessionTiming } from "../../appointments/views";
import { limitPerIp } from "../../auth/rate-limits";
import { authedRoute, publicRoute } from "../../auth/route-access";
import { signSessionToken } from "../../auth/session-token";
import { type Caller, refuseInactive } from "../../base/caller";
import type { Config } from "../../base/config";
import { ApiError } from "../../base/errors";
import { createRouter, errorBodySchema, errorResponses, jsonBody, jsonResponse } from "../../base/router";
import { isoFromSeconds, nowSeconds } from "../../time/iso";
import { readJoinKey } from "../../video/join-links";
import { admitToRoom } from "../../video/room-admission";
import { joinRefusal } from "../../video/room-entry";
import type { TokenPurpose } from "../../video/token-ttl";
import { audited, sessionFound, tokenAudit } from "../audited";
import { replicaReads } from "../d1-session";
import { redeemBodySchema, refreshedConnectionSchema, roomNameParamSchema, sessionTokenSchema, videoSessionSchema } from "./schemas";
import { connectionView, joinLinkRefusal, sessionView } from "./views";

const partiesOnly = "The appointment's two parties only; anyone else gets the same 404 as an unknown room, so room names cannot be probed.";

const sessionRoute = authedRoute({
  method: "get",
  path: "/api/video-sessions/{room_name}/",
  access: { session: "room_name", limited: true },
  middleware: [audited("appointment.read", sessionFound)] as const,
  summary: "A video session by its room name, for the page behind a meeting link (any provider)",
  description: `${partiesOnly} While the join window is open, \`connection\` holds what the provider's SDK needs.`,
  request: { params: roomNameParamSchema },
  responses: { 200: jsonResponse(videoSessionSchema, "The session as the caller sees it"), ...errorResponses },
});

const refreshRoute = authedRoute({
  method: "post",
  path: "/api/video-sessions/{room_name}/refresh/",
  access: { session: "room_name", limited: true },
  // Only reads: a POST because it mints credentials.
  middleware: [replicaReads, audited(tokenAudit, sessionFound)] as const,
  summary: "A fresh connection that lasts until the room closes",
  description: `${partiesOnly} Refused outside the join window with the reason.`,
  request: { params: roomNameParamSchema },
  responses: {
    200: jsonResponse(refreshedConnectionSchema, "The new connection"),
    ...errorResponses,
    500: {
      description: "The provider is not configured; the message names the setting",
      content: { "application/json": { schema: errorBodySchema } },
    },
  },
});

const redeemRoute = publicRoute({
  method: "post",
  path: "/api/video-sessions/{room_name}/redeem/",
  publicBecause: "The join link's signed key in the body is the credential: the page has no JWT yet.",
  // Nothing vouches for the caller yet, so each attempt counts against their IP.
  middleware: [limitPerIp("ANONYMOUS_RATE_LIMIT"), replicaReads] as const,
  summary: "Redeem a personal join link's key for a token scoped to its session (no JWT)",
  description:
    "The key comes from the link's fragment (`#k=`) and travels only in this body. The token works on this session's " +
    "routes (session, refresh, signalling, token, room, status, events) and is refused everywhere else. A key stops working when " +
    "the room closes, and at once when the appointment is cancelled or moved.",
  request: { params: roomNameParamSchema, body: jsonBody(redeemBodySchema) },
  responses: {
    200: jsonResponse(sessionTokenSchema, "The session-scoped token"),
    400: errorResponses[400],
    403: errorResponses[403],
    429: errorResponses[429],
  },
});

export const videoSessionRoutes = createRouter()
  .openapi(sessionRoute, async (c) => {
    const now = nowSeconds();
    const caller = c.get("caller");
    const session = await sessionForParty(c.var.db, c.req.valid("param").room_name, caller);
    c.set("appointmentId", session.id);
    const window = joinWindow(sessionTiming(session), now);
    const closedReason = joinRefusal(window, "appointment") ?? null;
    const { connection, error } = closedReason
      ? { connection: null, error: null }
      : await tryConnection(c.get("config"), session, caller, now);
    return c.json(sessionView({ session, caller, window, closedReason, connection, connectionError: error, now }), 200);
  })
  .openapi(refreshRoute, async (c) => {
    const now = nowSeconds();
    const session = await sessionForParty(c.var.db, c.req.valid("param").room_name, c.get("caller"));
    c.set("appointmentId", session.id);
    return c.json({ connection: await connect(c.get("config"), session, c.get("caller"), "renewal", now) }, 200);
  })
  .openapi(redeemRoute, async (c) => {
    const now = nowSeconds();
    const config = c.get("config");
    const roomName = c.req.valid("param").room_name;
    if (!config.sessionLinkSecret) throw new ApiError(500, "Personal links are off: SESSION_LINK_SECRET and JWT_SECRET are not set");
    const claims = await readJoinKey(c.req.valid("json").key, config.sessionLinkSecret);
    const session = claims ? await findAppointmentForCaller(c.var.db, { id: claims.appointmentId }, claims.userId) : null;
    const refusal = joinLinkRefusal(claims, session, roomName, now);
    if (refusal || !claims || !session) {
      console.log(JSON.stringify({ event: "join_link_refused", appointment_id: claims?.appointmentId ?? null, reason: refusal?.reason }));
      throw new ApiError(403, refusal?.message ?? "This link is not valid");
    }
    refuseInactive(session.caller_active);
    const caller = partyOf(session, claims.userId);
    // As long as the key itself (the room's closing), so one redemption carries a page through the
    // whole session, however long it waits in the green room; every use re-checks the appointment.
    const expiresAt = claims.expiresAt;
    const token = await signSessionToken(caller, { appointmentId: session.id, roomName }, config.sessionLinkSecret, expiresAt);
    console.log(JSON.stringify({ event: "join_link_redeemed", appointment_id: session.id, user_id: caller.id }));
    return c.json({ token, expires_at: isoFromSeconds(expiresAt), appointment_id: session.id, room_name: roomName }, 200);
  });

async function connect(config: Config, session: AppointmentWithParties, caller: Caller, purpose: TokenPurpose, now: number) {
  return connectionView(await admitToRoom(config, session, caller, { purpose, noun: "appointment" }, now));
}

/** The page still shows the session (countdown, presence) when the provider cannot issue credentials. */
async function tryConnection(config: Config, session: AppointmentWithParties, caller: Caller, now: number) {
  try {
    return { connection: await connect(config, session, caller, "join", now), error: null };
  } catch (error) {
    if (error instanceof ApiError && error.status === 500) return { connection: null, error: error.message };
    throw error;
  }
}

/** The link's holder, as the session's row names them (`mayAccess` has already said they are a party). */
function partyOf(session: AppointmentWithParties, userId: number): Omit<Caller, "scope" | "expiresAt"> {
  return userId === session.psychologist_id
    ? { id: userId, email: session.psychologist_email, role: "psychologist", name: session.psychologist_name }
    : { id: userId, email: session.patient_email, role: "patient", name: session.patient_name };
}
