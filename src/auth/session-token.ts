import jwt from "@tsndr/cloudflare-worker-jwt";
import type { Caller, SessionScope } from "../base/caller";
import { unauthorized } from "../base/errors";
import { callerFromClaims } from "./claims";
import { verifiedPayload } from "./jwt-payload";

/** The header `kid` of session-scoped tokens: they are ours, signed with the session link secret. */
export const sessionTokenKid = "video-session";
const audience = "video-session";

/**
 * A bearer token for one party of one appointment, issued when a personal join link is redeemed
 * and living no longer than the link: the caller's identity plus the scope that keeps it to that
 * session's routes.
 *
 * @example await signSessionToken({ id: 201, email, role: "patient" }, { appointmentId: 7, roomName }, secret, now + 3600)
 */
export function signSessionToken(
  caller: Omit<Caller, "scope" | "expiresAt">,
  scope: SessionScope,
  secret: string,
  expiresAt: number,
): Promise<string> {
  const claims = {
    sub: String(caller.id),
    email: caller.email,
    role: caller.role,
    ...(caller.name === undefined ? {} : { name: caller.name }),
    aud: audience,
    scope: { appointment_id: scope.appointmentId, room_name: scope.roomName },
    exp: expiresAt,
  };
  return jwt.sign(claims, secret, { algorithm: "HS256", header: { kid: sessionTokenKid, typ: "JWT" } });
}

/** The scoped caller of a session token: HS256 with the session secret, our audience, a scope. */
export async function verifySessionToken(token: string, secret: string, now: number): Promise<Caller> {
  if (!secret) throw unauthorized("Invalid token: bad signature");
  const payload = await verifiedPayload(token, secret, "HS256", now);
  const scope = payload.scope as { appointment_id?: unknown; room_name?: unknown } | undefined;
  const caller = callerFromClaims(payload);
  if (payload.aud !== audience || !caller || typeof scope?.appointment_id !== "number" || typeof scope.room_name !== "string") {
    throw unauthorized("Invalid token: missing or invalid claims");
  }
  return { ...caller, scope: { appointmentId: scope.appointment_id, roomName: scope.room_name } };
}
