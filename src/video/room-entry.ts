import { joinWindow, type JoinWindow } from "../appointments/join-window";
import type { AppointmentWithParties } from "../appointments/queries";
import type { VideoProvider } from "../appointments/schemas";
import { sessionTiming } from "../appointments/views";
import { ApiError, badRequest, notFound } from "../errors";
import { isoFromSeconds } from "../time/iso";

/** What the refusals call the session: the appointments API books appointments, the video-calls API calls. */
export type SessionNoun = "appointment" | "call";

const providerApi: Record<VideoProvider, (id: number) => string> = {
  twilio: (id) => `This appointment uses Twilio video: use the appointments API, /api/appointments/video-token/${id}/`,
  agora: (id) => `This appointment uses Agora video: use the video-calls API, /api/v1/video/video-calls/${id}/join/`,
};

/** Each provider's endpoints serve only its own sessions, and point the others at the right API. */
export function requireProvider(session: AppointmentWithParties, provider: VideoProvider): void {
  if (session.video_provider !== provider) throw badRequest(providerApi[session.video_provider](session.id));
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
  if (!session.video_room_id) throw notFound(`No video room found for this ${noun}`);
  const window = joinWindow(sessionTiming(session), now);
  const refusal = joinRefusal(window, noun);
  if (refusal) throw badRequest(refusal);
  return { roomName: session.video_room_id, window };
}

type SettingName = keyof Env & string;

/**
 * The named settings, or a 500 `"<failure>: X is not set"` that names what is missing and never
 * shows a value (secrets stay out of responses and logs).
 */
export function requiredSettings<K extends SettingName>(env: Env, names: readonly K[], failure: string): Record<K, string> {
  const missing = names.filter((name) => !String(env[name] ?? "").trim());
  if (missing.length) {
    console.error(JSON.stringify({ event: "video_settings_missing", missing }));
    throw new ApiError(500, `${failure}: ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not set`);
  }
  return Object.fromEntries(names.map((name) => [name, String(env[name]).trim()])) as Record<K, string>;
}

/** Runs a token builder; its failure becomes a 500 with the builder's own (secret-free) reason. */
export async function buildingToken<T>(build: () => Promise<T>): Promise<T> {
  try {
    return await build();
  } catch (err) {
    throw new ApiError(500, `Failed to generate access token: ${err instanceof Error ? err.message : "unknown error"}`);
  }
}
