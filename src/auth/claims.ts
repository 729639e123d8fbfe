import { z } from "@hono/zod-openapi";
import { type Caller, roles, userIdSchema } from "../base/caller";

/** The claims every caller's JWT must carry; `exp` is required so no token lives forever. */
export const callerClaimsSchema = z.object({
  sub: z.union([z.string().regex(/^\d+$/), z.number()]).pipe(userIdSchema),
  email: z.string().email(),
  role: z.enum(roles),
  name: z.string().optional(),
  exp: z.number(),
});

export function callerFromClaims(payload: unknown): Caller | undefined {
  const parsed = callerClaimsSchema.safeParse(payload);
  if (!parsed.success) return undefined;
  const { sub, email, role, name, exp } = parsed.data;
  return { id: sub, email, role, ...(name === undefined ? {} : { name }), expiresAt: exp };
}
