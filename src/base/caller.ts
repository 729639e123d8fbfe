import { z } from "@hono/zod-openapi";

export const roles = ["patient", "psychologist", "admin"] as const;
export type Role = (typeof roles)[number];

/** The one session a personal join link opens: its holder may reach that session's routes only. */
export type SessionScope = { appointmentId: number; roomName: string };

/**
 * Who is calling, as the platform's JWT says, or as a redeemed join link says (then with the
 * `scope` of the one session it opens): every route's notion of the caller.
 */
export type Caller = { id: number; email: string; role: Role; name?: string; scope?: SessionScope };

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
