import { isParty } from "../../appointments/access";
import { type JoinWindow, sessionEndsAt } from "../../appointments/join-window";
import type { AppointmentWithParties } from "../../appointments/queries";
import type { Caller } from "../../base/caller";
import type { Connection } from "../../providers/video-adapter";
import { isoFromSeconds } from "../../time/iso";
import type { JoinKey } from "../../video/join-links";

/** A connection as the page reads it: snake_case, times in ISO 8601 UTC. */
export function connectionView(connection: Connection) {
  const expires_at = isoFromSeconds(connection.expiresAt);
  switch (connection.provider) {
    case "twilio":
      return {
        provider: "twilio" as const,
        token: connection.token,
        identity: connection.identity,
        room_name: connection.roomName,
        expires_at,
      };
    case "agora":
      return {
        provider: "agora" as const,
        app_id: connection.appId,
        channel: connection.channel,
        token: connection.token,
        uid: connection.uid,
        expires_at,
      };
    case "webrtc":
      return {
        provider: "webrtc" as const,
        room_name: connection.roomName,
        identity: connection.identity,
        polite: connection.polite,
        ice_servers: connection.iceServers.map((server) => ({ ...server })),
        signalling_path: connection.signallingPath,
        expires_at,
      };
  }
}

/** The session as one of its parties sees it: who is on the other side, and when the room is open. */
export function sessionView(input: {
  session: AppointmentWithParties;
  caller: Caller;
  window: JoinWindow;
  closedReason: string | null;
  connection: ReturnType<typeof connectionView> | null;
  connectionError: string | null;
  now: number;
}) {
  const { session, caller, window } = input;
  const psychologist = { id: session.psychologist_id, name: session.psychologist_name, role: "psychologist" as const };
  const patient = { id: session.patient_id, name: session.patient_name, role: "patient" as const };
  const [you, counterpart] = caller.id === session.psychologist_id ? [psychologist, patient] : [patient, psychologist];
  return {
    appointment_id: session.id,
    room_name: session.video_room_id ?? "",
    provider: session.video_provider,
    status: session.status,
    starts_at: isoFromSeconds(session.starts_at),
    ends_at: isoFromSeconds(sessionEndsAt({ startsAt: session.starts_at, durationMinutes: session.duration_minutes })),
    duration_minutes: session.duration_minutes,
    you,
    counterpart,
    join_window: {
      opens_at: isoFromSeconds(window.opensAt),
      closes_at: isoFromSeconds(window.closesAt),
      can_join_now: input.closedReason === null,
      server_time: isoFromSeconds(input.now),
      closed_reason: input.closedReason,
    },
    connection: input.connection,
    connection_error: input.connectionError,
  };
}

type Refusal = { reason: string; message: string };

/**
 * Why a join key does not open `roomName` now, or undefined when it does: it must be ours, name
 * a party of the session behind that room, still be within its life (the room's close), and the
 * session must not have been cancelled or moved since the key was issued.
 */
export function joinLinkRefusal(
  key: JoinKey | undefined,
  session: AppointmentWithParties | null,
  roomName: string,
  now: number,
): Refusal | undefined {
  const invalid = { reason: "invalid", message: "This link is not valid" };
  if (!key || !session || session.video_room_id !== roomName || !isParty(session, key.userId)) {
    return invalid;
  }
  if (session.status === "cancelled")
    return { reason: "cancelled", message: "This session has been cancelled, so its link no longer opens it" };
  if (session.starts_at !== key.startsAt)
    return { reason: "moved", message: "This session has moved to a new time: use the link in its latest message" };
  if (now >= key.expiresAt) return { reason: "expired", message: "This link has expired: the session's room has closed" };
  return undefined;
}
