import { z } from "@hono/zod-openapi";

export const roles = ["patient", "psychologist", "admin"] as const;
export type Role = (typeof roles)[number];

/** A platform user id: a positive integer, sent by identity providers as a string or a number. */
export const userIdSchema = z.coerce.number<string | number>().int().positive();

/** The claims every caller's JWT must carry; `exp` is required so no token lives forever. */
export const callerClaimsSchema = z.object({
  sub: z.union([z.string().regex(/^\d+$/), z.number()]).pipe(userIdSchema),
  email: z.string().email(),
  role: z.enum(roles),
  name: z.string().optional(),
  exp: z.number(),
});

export type Caller = { id: number; email: string; role: Role; name?: string };

export function callerFromClaims(payload: unknown): Caller | undefined {
  const parsed = callerClaimsSchema.safeParse(payload);
  if (!parsed.success) return undefined;
  const { sub, email, role, name } = parsed.data;
  return name === undefined ? { id: sub, email, role } : { id: sub, email, role, name };
}
