import { z } from "@hono/zod-openapi";
import { pathIdSchema, userIdSchema } from "../base/caller";
import { pageQueryFields } from "../base/pagination";
import { videoProviders } from "../base/video-provider";

export const appointmentStatuses = ["scheduled", "confirmed", "ongoing", "completed", "cancelled"] as const;
export const sessionTypes = ["telehealth", "in_person"] as const;
export type AppointmentStatus = (typeof appointmentStatuses)[number];

export const isoDateTimeWithOffset = z.iso
  .datetime({ offset: true, message: "Use ISO 8601 with a UTC offset, e.g. 2026-11-23T09:00:00+01:00" })
  .openapi({ example: "2026-11-23T09:00:00Z" });
export const durationMinutes = z.number().int().min(15).max(240).openapi({ example: 50 });
// Four-digit years from 1970: Date.UTC reads years 0-99 as 19xx, so earlier ones would filter the wrong century.
const fromEpoch = (value: string) => value >= "1970";
const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use YYYY-MM-DD")
  .refine(isRealDate, "Not a calendar date")
  .refine(fromEpoch, "Use a year from 1970");

export const createAppointmentSchema = z
  .object({
    patient_id: userIdSchema.optional().openapi({ description: "Defaults to the caller when the caller is a patient" }),
    psychologist_id: userIdSchema.optional().openapi({ description: "Defaults to the caller when the caller is a psychologist" }),
    appointment_date: isoDateTimeWithOffset,
    duration_minutes: durationMinutes,
    session_type: z.enum(sessionTypes),
    service_name: z.string().trim().max(200).optional(),
    video_provider: z.enum(videoProviders).optional(),
  })
  .strict()
  .openapi("AppointmentInput");

export const updateAppointmentSchema = z
  .object({
    appointment_date: isoDateTimeWithOffset.optional(),
    duration_minutes: durationMinutes.optional(),
    status: z.enum(["confirmed", "cancelled"]).optional(),
  })
  .strict()
  .refine((input) => Object.keys(input).length > 0, "Send appointment_date, duration_minutes or status")
  .openapi("AppointmentUpdate");

export const appointmentIdParamSchema = z.object({
  id: pathIdSchema.openapi({ param: { name: "id", in: "path" }, example: "1" }),
});

export const listAppointmentsQuerySchema = z.object({
  status: z.enum(appointmentStatuses).optional(),
  date_from: calendarDate.optional(),
  date_to: calendarDate.optional(),
  ...pageQueryFields(100, 500),
});

export const scheduleQuerySchema = z.object({
  start_date: calendarDate.optional(),
  end_date: calendarDate.optional(),
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "Use YYYY-MM")
    .refine(fromEpoch, "Use a year from 1970")
    .optional(),
  year: z
    .string()
    .regex(/^\d{4}$/, "Use YYYY")
    .refine(fromEpoch, "Use a year from 1970")
    .optional(),
  status: z.enum(["scheduled", "confirmed", "completed", "cancelled", "all"]).default("all"),
  ...pageQueryFields(50, 500),
});

const partySchema = z.object({ id: z.number().int(), name: z.string(), email: z.string() });

export const appointmentSchema = z
  .object({
    id: z.number().int(),
    psychologist_id: z.number().int(),
    patient_id: z.number().int(),
    psychologist_name: z.string(),
    patient_name: z.string(),
    appointment_date: z.string(),
    duration_minutes: z.number().int(),
    status: z.enum(appointmentStatuses),
    session_type: z.enum(sessionTypes),
    service_name: z.string().nullable(),
    video_provider: z.enum(videoProviders),
    video_room_id: z.string().nullable(),
    meeting_url: z.string().nullable(),
    started_at: z.string().nullable(),
    ended_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("Appointment");

export const appointmentDetailSchema = appointmentSchema
  .extend({ psychologist: partySchema, patient: partySchema })
  .openapi("AppointmentDetail");

const scheduleItemFields = {
  id: z.number().int(),
  service_name: z.string().nullable(),
  appointment_date: z.string(),
  formatted_date: z.string().openapi({ example: "Sat, 16 Nov 2025" }),
  formatted_time: z.string().openapi({ example: "08:00 AM" }),
  duration_minutes: z.number().int(),
  status: z.enum(appointmentStatuses),
  session_type: z.enum(sessionTypes),
  video_room_id: z.string().nullable(),
  meeting_url: z.string().nullable(),
  session_start_time: z.string(),
  session_end_time: z.string(),
  time_until_start_seconds: z.number().int(),
  time_remaining_seconds: z.number().int(),
  session_status: z.enum(["upcoming", "joinable", "in_progress", "ended"]),
  can_join_session: z.boolean(),
};

export const psychologistScheduleItemSchema = z
  .object({ ...scheduleItemFields, patient_name: z.string() })
  .openapi("PsychologistScheduleItem");
export const patientScheduleItemSchema = z.object({ ...scheduleItemFields, psychologist_name: z.string() }).openapi("PatientScheduleItem");

export type CreateAppointmentInput = z.infer<typeof createAppointmentSchema>;
export type UpdateAppointmentInput = z.infer<typeof updateAppointmentSchema>;
export type ScheduleQuery = z.infer<typeof scheduleQuerySchema>;

function isRealDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}
