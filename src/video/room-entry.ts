import { type JoinWindow, joinWindow } from "../appointments/join-window";
import type { AppointmentWithParties } from "../appointments/queries";
import { sessionTiming } from "../appointments/views";
import { ApiError, badRequest } from "../base/errors";
import type { VideoProvider } from "../base/video-provider";
import { isoFromSeconds } from "../time/iso";

/** What the refusals call the session: the appointments API books appointments, the video-calls API calls. */
export type SessionNoun = "appointment" | "call";

const providerApi: Record<VideoProvider, (session: AppointmentWithParties) => string> = {
  twilio: ({ id }) => `This appointment uses Twilio video: use the appointments API, /api/appointments/video-token/${id}/`,
  agora: ({ id }) => `This appointment uses Agora video: use the video-calls API, /api/v1/video/video-calls/${id}/join/`,
  webrtc: ({ video_room_id }) =>
    `This appointment uses the built-in video: use the video sessions API, /api/video-sessions/${encodeURIComponent(video_room_id ?? "")}/`,
};

/** Each provider's endpoints serve only its own sessions, and point the others at the right API. */
export function requireProvider<P extends VideoProvider>(
  session: AppointmentWithParties,
  provider: P,
): asserts session is AppointmentWithParties & { video_provider: P } {
  if (session.video_provider !== provider) throw badRequest(providerApi[session.video_provider](session));
}

/**
 * Why a party may not enter the room now, in words; undefined while the join window is open.
 * The calls API keeps the exact "not scheduled to start yet" its clients already match on.
 */
export function joinRefusal(window: JoinWindow, noun: SessionNoun): string | undefined {
  switch (window.closedBecause) {
    case undefined:
      return undefined;
    case "not_telehealth":
      return `This ${noun} is an in-person session, without a video room`;
    case "cancelled":
      return `This ${noun} has been cancelled`;
    case "completed":
      return `This ${noun} has already been completed`;
    case "not_open_yet":
      return noun === "call"
        ? "This call is not scheduled to start yet"
        : `This appointment has not started yet: its video room opens at ${isoFromSeconds(window.opensAt)}, 15 minutes before the start`;
    case "closed":
      return `This ${noun} is over: its video room closed at ${isoFromSeconds(window.closesAt)}, 30 minutes after the booked end`;
  }
}

/**
 * The session's room name and its join window, if a party may enter it now (`joinWindow`, the
 * one rule); otherwise a 404 without a room or a 400 saying why the room is shut.
 */
export function openRoom(session: AppointmentWithParties, noun: SessionNoun, now: number): { roomName: string; window: JoinWindow } {
  if (!session.video_room_id) throw new ApiError(404, `No video room found for this ${noun}`, undefined, { reason: "no_room" });
  const window = joinWindow(sessionTiming(session), now);
  const refusal = joinRefusal(window, noun);
  if (refusal) throw new ApiError(400, refusal, undefined, { reason: window.closedBecause });
  return { roomName: session.video_room_id, window };
}
