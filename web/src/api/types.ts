/**
 * The API's bodies as this client reads them (see the routes under src/ and the OpenAPI document at
 * /openapi.json). Only the fields the pages use.
 */

export type Role = "patient" | "psychologist" | "admin";

export interface Me {
  id: number;
  name: string;
  role: Role;
  timezone: string;
}

export type AppointmentStatus = "scheduled" | "confirmed" | "ongoing" | "completed" | "cancelled";
export type SessionClock = "upcoming" | "joinable" | "in_progress" | "ended";

export interface ScheduleItem {
  id: number;
  service_name: string | null;
  appointment_date: string;
  formatted_date: string;
  formatted_time: string;
  duration_minutes: number;
  status: AppointmentStatus;
  session_type: "telehealth" | "in_person";
  video_room_id: string | null;
  meeting_url: string | null;
  session_start_time: string;
  session_end_time: string;
  time_until_start_seconds: number;
  session_status: SessionClock;
  can_join_session: boolean;
  patient_name?: string;
  psychologist_name?: string;
}

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export type TwilioConnection = { provider: "twilio"; token: string; identity: string; room_name: string; expires_at: string };
export type AgoraConnection = { provider: "agora"; app_id: string; channel: string; token: string; uid: number; expires_at: string };
export type IceServer = { urls: string | string[]; username?: string; credential?: string };
/**
 * The built-in provider: the two browsers talk directly, signalling through the room's Durable
 * Object. `identity` is the viewer's user id; `polite` decides who yields when both offer at once.
 */
export type WebRtcConnection = {
  provider: "webrtc";
  room_name: string;
  identity: string;
  polite: boolean;
  ice_servers: IceServer[];
  signalling_path: string;
  expires_at: string;
};
/** What a provider adapter needs to enter the room; another provider adds one member here. */
export type Connection = TwilioConnection | AgoraConnection | WebRtcConnection;
export type Provider = Connection["provider"];

/** Why the room is shut, as the page tells it apart (derived by `roomClosure`: the API says why in words). */
export type ClosedReason = "not_open_yet" | "cancelled" | "completed" | "closed" | "not_telehealth";

/** `GET /api/video-sessions/<room_name>/`: everything the session page needs, in one read. */
export interface VideoSession {
  appointment_id: number;
  room_name: string;
  provider: Provider;
  starts_at: string;
  ends_at: string;
  duration_minutes: number;
  status: AppointmentStatus;
  you: { id: number; name: string; role: Role };
  counterpart: { name: string; role: Role };
  join_window: {
    opens_at: string;
    closes_at: string;
    can_join_now: boolean;
    server_time: string;
    /** Why the room is shut now, in words for people; null while it is open. */
    closed_reason: string | null;
  };
  connection: Connection | null;
  /** Why no connection could be issued although the room is open (the provider is not set up). */
  connection_error: string | null;
}

/** `POST /api/video-sessions/<room_name>/redeem/`: a personal join link's key, exchanged for a scoped bearer. */
export interface RedeemedKey {
  token: string;
  expires_at: string;
  appointment_id: number;
}

/** The live-events WebSocket's messages (src/rooms/live-messages.ts). */
export interface RoomParticipant {
  sid: string;
  identity: string;
  /** Who the participant is, sent when identities are opaque (VIDEO_IDENTITY_MODE=opaque). */
  user_id?: number;
  status: "connected" | "disconnected";
}
export type LiveMessage =
  | { type: "status"; data: { participants: RoomParticipant[]; status: string } }
  | { type: "call.started" | "call.ended" | "call.cancelled"; at: string }
  | { type: "participant.joined"; at: string; participant: { sid: string; identity: string; user_id?: number } }
  | { type: "participant.left"; at: string; participant: { sid: string; identity: string; user_id?: number; duration: number } };
