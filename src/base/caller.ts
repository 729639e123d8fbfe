import { z } from "@hono/zod-openapi";
import { ApiError } from "./errors";

export const roles = ["patient", "psychologist", "admin"] as const;
export type Role = (typeof roles)[number];

/** The one session a personal join link opens: its holder may reach that session's routes only. */
export type SessionScope = { appointmentId: number; roomName: string };

/**
 * Who is calling, as the platform's JWT says, or as a redeemed join link says (then with the
 * `scope` of the one session it opens): every route's notion of the caller.
 */
export type Caller = {
  id: number;
  email: string;
  role: Role;
  name?: string;
  scope?: SessionScope;
  /** When the caller's token expires (unix seconds): a WebSocket it opened is closed then. */
  expiresAt: number;
};

/**
 * Refuses a caller whose account the platform deactivated (`is_active` 0). Each route reads it in
 * the query it already makes, so the check costs no round trip; null (no stored profile) is not
 * a deactivation.
 */
export function refuseInactive(isActive: number | null | undefined): void {
  if (isActive === 0) throw new ApiError(403, "Account is inactive");
}

/**
 * An id in a URL path: plain decimal digits only. `Number()` would also read "0x10", "1e3" and
 * " 9001 " as ids, so one record would answer to many spellings.
 */
export const pathIdSchema = z
  .string()
  .regex(/^[1-9]\d{0,14}$/, "Must be a positive whole number in plain decimal digits")
  .transform(Number)
  .pipe(z.number().int().positive());

/** A platform user id: a positive integer, sent by identity providers as a string or a number. */
export const userIdSchema = z.coerce.number<string | number>().int().positive();
