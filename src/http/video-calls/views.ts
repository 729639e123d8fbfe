import type { AppointmentWithParties } from "../../appointments/queries";
import type { AppointmentStatus } from "../../appointments/schemas";
import { isoFromSeconds, isoOrNull } from "../../time/iso";
import type { VideoCallStatus } from "./schemas";

export function videoCallStatus(status: AppointmentStatus): VideoCallStatus {
  return status === "confirmed" ? "scheduled" : status;
}

/** An appointment as the video-calls API shows it: doctor and patient, with their details nested. */
export function videoCallView(row: AppointmentWithParties) {
  return {
    id: row.id,
    channel_name: row.video_room_id,
    doctor: row.psychologist_id,
    patient: row.patient_id,
    doctor_details: { id: row.psychologist_id, user: { email: row.psychologist_email, full_name: row.psychologist_name } },
    patient_details: { id: row.patient_id, user: { email: row.patient_email, full_name: row.patient_name } },
    status: videoCallStatus(row.status),
    scheduled_time: isoFromSeconds(row.starts_at),
    duration_minutes: row.duration_minutes,
    started_at: isoOrNull(row.started_at),
    ended_at: isoOrNull(row.ended_at),
    created_at: isoFromSeconds(row.created_at),
    updated_at: isoFromSeconds(row.updated_at),
  };
}
