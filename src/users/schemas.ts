import { z } from "@hono/zod-openapi";
import { pathIdSchema, roles } from "../base/caller";
import { isValidTimeZone } from "../time/zoned";
import { cleanDisplayName } from "./display-name";

export const phoneSchema = z
  .string()
  .regex(/^\+[1-9]\d{7,14}$/, "Enter a phone number in E.164 format, e.g. +14155550123")
  .nullable()
  .openapi({ example: "+14155550123" });

export const timezoneSchema = z
  .string()
  .refine(isValidTimeZone, "Unknown time zone; use an IANA name such as Europe/London")
  .openapi({ example: "America/New_York" });

/** A name is cleaned once, here where it enters; what is left must still be a name. */
const displayNameSchema = z
  .string()
  .max(200)
  .transform(cleanDisplayName)
  .pipe(z.string().min(1, "Enter a name with visible characters"))
  .openapi({ example: "Jane Doe" });

const contactFields = {
  name: displayNameSchema.optional(),
  phone: phoneSchema.optional(),
  timezone: timezoneSchema.optional(),
  whatsapp_opt_in: z.boolean().optional(),
  email_opt_in: z.boolean().optional(),
};

/** `PUT /api/users/me`: what callers may set about themselves (email and role come from the JWT). */
export const ownProfileSchema = z.object(contactFields).strict().openapi("OwnProfileInput");

/** `PUT /api/admin/users/<id>/`: the platform's sync of a user it owns. */
export const syncedUserSchema = z
  .object({
    email: z.string().email(),
    role: z.enum(roles),
    is_active: z.boolean().optional(),
    ...contactFields,
  })
  .strict()
  .openapi("SyncedUserInput");

export const userIdParamSchema = z.object({ id: pathIdSchema.openapi({ param: { name: "id", in: "path" }, example: "42" }) });

export const userSchema = z
  .object({
    id: z.number().int(),
    email: z.string(),
    name: z.string(),
    role: z.enum(roles),
    phone: z.string().nullable(),
    timezone: z.string(),
    whatsapp_opt_in: z.boolean(),
    email_opt_in: z.boolean(),
    is_active: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("User");

export type OwnProfileInput = z.infer<typeof ownProfileSchema>;
export type SyncedUserInput = z.infer<typeof syncedUserSchema>;
export type UserView = z.infer<typeof userSchema>;
