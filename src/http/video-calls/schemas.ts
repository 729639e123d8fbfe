import { z } from "@hono/zod-openapi";
import { durationMinutes, isoDateTimeWithOffset } from "../../appointments/schemas";
import { userIdSchema } from "../../base/caller";
import { pageQueryFields } from "../../base/pagination";

/** A call's life: an appointment's `confirmed` is still `scheduled` to the calls API. */
export const videoCallStatuses = ["scheduled", "ongoing", "completed", "cancelled"] as const;
export type VideoCallStatus = (typeof videoCallStatuses)[number];

export const createVideoCallSchema = z
  .object({
    doctor: userIdSchema.openapi({ description: "The psychologist's user id", example: 101 }),
    patient: userIdSchema.openapi({ description: "The patient's user id", example: 201 }),
    scheduled_time: isoDateTimeWithOffset,
    duration_minutes: durationMinutes.default(50),
  })
  .strict()
  .openapi("VideoCallInput");

export const listVideoCallsQuerySchema = z.object({ ...pageQueryFields(50, 500) });

const partyDetailsSchema = z.object({
  id: z.number().int(),
  user: z.object({ email: z.string(), full_name: z.string() }),
});

export const videoCallSchema = z
  .object({
    id: z.number().int(),
    channel_name: z.string().nullable().openapi({ example: "call_1763800000_4821_9f1c2a7be03d5e64" }),
    doctor: z.number().int(),
    patient: z.number().int(),
    doctor_details: partyDetailsSchema,
    patient_details: partyDetailsSchema,
    status: z.enum(videoCallStatuses),
    scheduled_time: z.string(),
    duration_minutes: z.number().int(),
    started_at: z.string().nullable(),
    ended_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("VideoCall");

export const videoCallTokenSchema = z
  .object({
    channel_name: z.string(),
    token: z.string().openapi({ description: "Agora AccessToken2 (version 007) with join and publish privileges" }),
    uid: z.number().int().openapi({ description: "The caller's user id, the same on every join" }),
    expiration_time: z.string().openapi({ description: "When the token and its privileges expire", example: "2026-11-23T10:20:00Z" }),
  })
  .openapi("VideoCallToken");

export type CreateVideoCallInput = z.infer<typeof createVideoCallSchema>;
