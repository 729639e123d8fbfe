import { sessionForParty } from "../../appointments/access";
import { authedRoute } from "../../auth/route-access";
import { createRouter, errorResponses } from "../../base/router";
import { roomStub } from "../../rooms/room-stub";
import { roomSocketRequest } from "../../rooms/socket-requests";
import { nowSeconds } from "../../time/iso";
import { openRoom, requireProvider } from "../../video/room-entry";
import { requireWebSocketUpgrade, upgradedTo, webSocketUpgradeResponses } from "../websocket-upgrade";
import { roomNameParamSchema } from "./schemas";

const signallingRoute = authedRoute({
  method: "get",
  path: "/api/video-sessions/{room_name}/signal/",
  access: { webSocket: true, session: "room_name", limited: true },
  summary: "The built-in provider's signalling WebSocket (the appointment's two parties, inside the join window)",
  description:
    "Authenticated like the live events: `Sec-WebSocket-Protocol: bearer, <token>` (answered with `bearer`), a JWT or a " +
    'personal link\'s session token. The server sends `{type: "welcome", peer}` (the other party if connected), then ' +
    '`peer-joined` / `peer-left` and the other party\'s `{type: "signal", data}`; a party sends `{type: "signal", data: ' +
    "{description} | {candidate}}`, relayed to the other party only and never stored. One socket per party: a newer one " +
    "closes the older with 4001. The server closes with 4003 (cancelled), 4004 (moved), 4005 (room closed), 4006 (the " +
    "token expired) or 4007 (access withdrawn: the account was deactivated) and the reason in words. `ping` is answered `pong`.",
  request: { params: roomNameParamSchema },
  responses: { ...webSocketUpgradeResponses, ...errorResponses },
});

/**
 * Admits one party's signalling socket to the room object, which relays offers, answers and
 * candidates between the two parties and turns their connections into room events.
 */
export const signallingRoutes = createRouter().openapi(signallingRoute, async (c) => {
  requireWebSocketUpgrade(c.req.raw);
  const caller = c.get("caller");
  // Before the read: a revocation that lands after it refuses this socket in the room object.
  const checkedAt = Date.now();
  const session = await sessionForParty(c.var.db, c.req.valid("param").room_name, caller);
  requireProvider(session, "webrtc");
  const { roomName, window } = openRoom(session, "appointment", nowSeconds());
  const holder = { roomName, appointmentId: session.id, userId: caller.id, checkedAt, expiresAt: caller.expiresAt * 1000 };
  return upgradedTo(
    c.req.raw,
    await roomStub(c.env, roomName).fetch(roomSocketRequest({ kind: "signal", holder, closesAt: window.closesAt * 1000 })),
  );
});
