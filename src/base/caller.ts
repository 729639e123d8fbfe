import { z } from "@hono/zod-openapi";

export const roles = ["patient", "psychologist", "admin"] as const;
export type Role = (typeof roles)[number];

/** Who is calling, as the platform's JWT says: every route's notion of the caller. */
export type Caller = { id: number; email: string; role: Role; name?: string };

/** A platform user id: a positive integer, sent by identity providers as a string or a number. */
export const userIdSchema = z.coerce.number<string | number>().int().positive();
