import { isoFromSeconds, isoOrNull } from "../time/iso";
import { formatPartsInZone } from "../time/zoned";
import { joinWindow, sessionEndsAt, sessionStatus } from "./join-window";
import type { AppointmentRow, AppointmentWithParties } from "./queries";

export function meetingUrl(meetingBaseUrl: string, videoRoomId: string | null): string | null {
  return videoRoomId ? `${meetingBaseUrl}/video-session/${encodeURIComponent(videoRoomId)}` : null;
}

export function sessionTiming(row: Pick<AppointmentRow, "starts_at" | "duration_minutes" | "status" | "session_type">) {
  return { startsAt: row.starts_at, durationMinutes: row.duration_minutes, status: row.status, sessionType: row.session_type };
}

export function appointmentView(row: AppointmentWithParties, meetingBaseUrl: string) {
  return {
    id: row.id,
    psychologist_id: row.psychologist_id,
    patient_id: row.patient_id,
    psychologist_name: row.psychologist_name,
    patient_name: row.patient_name,
    appointment_date: isoFromSeconds(row.starts_at),
    duration_minutes: row.duration_minutes,
    status: row.status,
    session_type: row.session_type,
    service_name: row.service_name,
    video_provider: row.video_provider,
    video_room_id: row.video_room_id,
    meeting_url: meetingUrl(meetingBaseUrl, row.video_room_id),
    started_at: isoOrNull(row.started_at),
    ended_at: isoOrNull(row.ended_at),
    created_at: isoFromSeconds(row.created_at),
    updated_at: isoFromSeconds(row.updated_at),
  };
}

export function appointmentDetailView(row: AppointmentWithParties, meetingBaseUrl: string) {
  return {
    ...appointmentView(row, meetingBaseUrl),
    psychologist: { id: row.psychologist_id, name: row.psychologist_name, email: row.psychologist_email },
    patient: { id: row.patient_id, name: row.patient_name, email: row.patient_email },
  };
}

/** A schedule entry with its timers as of `now`, its date and time written in `timeZone`. */
export function scheduleItemView(row: AppointmentWithParties, timeZone: string, now: number, meetingBaseUrl: string) {
  const timing = sessionTiming(row);
  const endsAt = sessionEndsAt(timing);
  const date = formatPartsInZone(row.starts_at, timeZone, { weekday: "short", day: "2-digit", month: "short", year: "numeric" });
  const time = formatPartsInZone(row.starts_at, timeZone, { hour: "2-digit", minute: "2-digit", hour12: true });
  return {
    id: row.id,
    service_name: row.service_name,
    appointment_date: isoFromSeconds(row.starts_at),
    formatted_date: `${date.weekday}, ${date.day} ${date.month} ${date.year}`,
    formatted_time: `${time.hour}:${time.minute} ${time.dayPeriod}`,
    duration_minutes: row.duration_minutes,
    status: row.status,
    session_type: row.session_type,
    video_room_id: row.video_room_id,
    meeting_url: meetingUrl(meetingBaseUrl, row.video_room_id),
    session_start_time: isoFromSeconds(row.starts_at),
    session_end_time: isoFromSeconds(endsAt),
    time_until_start_seconds: Math.max(0, row.starts_at - now),
    time_remaining_seconds: Math.max(0, endsAt - Math.max(now, row.starts_at)),
    session_status: sessionStatus(timing, now),
    can_join_session: row.video_room_id !== null && joinWindow(timing, now).closedBecause === undefined,
  };
}
