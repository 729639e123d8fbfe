import { z } from "@hono/zod-openapi";
import type { TwilioConnection } from "../../providers/video-adapter";
import { isoFromSeconds } from "../../time/iso";

export const twilioTokenResponseSchema = z
  .object({
    access_token: z.string(),
    room_name: z.string(),
    user_identity: z.string().openapi({ example: "201-patient@example.com" }),
    expires_in: z.number().int().openapi({ description: "Seconds from issue", example: 4800 }),
    expires_at: z.string().openapi({ example: "2026-11-23T10:20:00Z" }),
    appointment_id: z.number().int(),
    appointment_duration_minutes: z.number().int(),
    token_valid_until: z.string().openapi({ example: "80 minutes (1 hours)" }),
  })
  .openapi("TwilioVideoToken");

export const twilioRefreshResponseSchema = twilioTokenResponseSchema
  .extend({ refreshed_at: z.string().openapi({ example: "2026-11-23T09:45:00Z" }) })
  .openapi("TwilioVideoTokenRefresh");

export type TwilioTokenResponse = z.infer<typeof twilioTokenResponseSchema>;

/**
 * How long a token lasts, as the front ends show it: whole minutes, then whole hours.
 *
 * @example tokenValidUntil(5400) // "90 minutes (1 hours)"
 */
export function tokenValidUntil(expiresInSeconds: number): string {
  const minutes = Math.floor(expiresInSeconds / 60);
  return `${minutes} minutes (${Math.floor(minutes / 60)} hours)`;
}

/** The token endpoints' body for a token issued at `now` that expires at `expiresAt`. */
export function twilioTokenResponse(input: {
  connection: TwilioConnection;
  now: number;
  appointmentId: number;
  durationMinutes: number;
}): TwilioTokenResponse {
  const { token, roomName, identity, expiresAt } = input.connection;
  const expiresIn = expiresAt - input.now;
  return {
    access_token: token,
    room_name: roomName,
    user_identity: identity,
    expires_in: expiresIn,
    expires_at: isoFromSeconds(expiresAt),
    appointment_id: input.appointmentId,
    appointment_duration_minutes: input.durationMinutes,
    token_valid_until: tokenValidUntil(expiresIn),
  };
}
