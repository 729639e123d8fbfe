import type { Role } from "../base/caller";
import { cleanDisplayName } from "./display-name";
import type { UserRow, UserWrite } from "./queries";
import type { OwnProfileInput, SyncedUserInput } from "./schemas";

type Identity = { id: number; email: string; role: Role; name?: string };

/**
 * The user row a write produces: fields the input leaves out keep their stored value, or take
 * the defaults when the user is new. One rule for self-service profiles and platform syncs.
 */
export function mergeUser(
  existing: UserRow | null,
  identity: Identity,
  input: OwnProfileInput & Partial<Pick<SyncedUserInput, "is_active">>,
  defaultTimezone: string,
): UserWrite {
  const flag = (value: boolean | undefined, stored: number | undefined, fallback: boolean) =>
    value === undefined ? (stored ?? (fallback ? 1 : 0)) : value ? 1 : 0;
  return {
    id: identity.id,
    email: identity.email,
    role: identity.role,
    // A JWT's `name` enters here, unvalidated by any schema of ours: it is cleaned like any other.
    name: input.name ?? existing?.name ?? cleanDisplayName(identity.name ?? ""),
    phone: input.phone === undefined ? (existing?.phone ?? null) : input.phone,
    timezone: input.timezone ?? existing?.timezone ?? defaultTimezone,
    whatsapp_opt_in: flag(input.whatsapp_opt_in, existing?.whatsapp_opt_in, false),
    email_opt_in: flag(input.email_opt_in, existing?.email_opt_in, true),
    is_active: flag(input.is_active, existing?.is_active, true),
  };
}
