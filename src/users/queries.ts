import type { Role } from "../base/caller";
import type { Database } from "../base/database";
import { isoFromSeconds } from "../time/iso";
import type { UserView } from "./schemas";

export type UserRow = {
  id: number;
  email: string;
  name: string;
  role: Role;
  phone: string | null;
  timezone: string;
  whatsapp_opt_in: number;
  email_opt_in: number;
  is_active: number;
  created_at: number;
  updated_at: number;
};

/** The full set of columns a write supplies; the caller resolves defaults first. */
export type UserWrite = Omit<UserRow, "created_at" | "updated_at">;

/**
 * The caller's `is_active` as a column (null without a stored profile), so a route reads it in the
 * statement that reads its data: `param` is the placeholder holding the caller's id.
 */
export const callerActiveColumn = (param: string) => `(SELECT u.is_active FROM users u WHERE u.id = ${param}) AS caller_active`;

/** The caller's `is_active` as a statement of its own, for a route whose reads go in one `batch`: read it back with `callerActiveIn`. */
export function callerActiveStatement(db: Database, callerId: number): D1PreparedStatement {
  return db.prepare(`SELECT ${callerActiveColumn("?1")}`).bind(callerId);
}

export function callerActiveIn(result: D1Result | undefined): number | null {
  return (result?.results[0] as { caller_active: number | null } | undefined)?.caller_active ?? null;
}

export function findUser(db: Database, id: number): Promise<UserRow | null> {
  return db.prepare("SELECT * FROM users WHERE id = ?").bind(id).first<UserRow>();
}

export async function findUsers(db: Database, ids: number[]): Promise<Map<number, UserRow>> {
  const placeholders = ids.map(() => "?").join(", ");
  const { results } = await db
    .prepare(`SELECT * FROM users WHERE id IN (${placeholders})`)
    .bind(...ids)
    .all<UserRow>();
  return new Map(results.map((row) => [row.id, row]));
}

/** Inserts or replaces a user's columns in one statement, keeping the original `created_at`. */
export async function saveUser(db: Database, user: UserWrite, now: number): Promise<UserRow> {
  const row = await db
    .prepare(
      `INSERT INTO users (id, email, name, role, phone, timezone, whatsapp_opt_in, email_opt_in, is_active, created_at, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)
       ON CONFLICT (id) DO UPDATE SET
         email = excluded.email, name = excluded.name, role = excluded.role, phone = excluded.phone,
         timezone = excluded.timezone, whatsapp_opt_in = excluded.whatsapp_opt_in,
         email_opt_in = excluded.email_opt_in, is_active = excluded.is_active, updated_at = excluded.updated_at
       RETURNING *`,
    )
    .bind(
      user.id,
      user.email,
      user.name,
      user.role,
      user.phone,
      user.timezone,
      user.whatsapp_opt_in,
      user.email_opt_in,
      user.is_active,
      now,
    )
    .first<UserRow>();
  if (!row) throw new Error("user upsert returned no row");
  return row;
}

export function userView(row: UserRow): UserView {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    phone: row.phone,
    timezone: row.timezone,
    whatsapp_opt_in: row.whatsapp_opt_in === 1,
    email_opt_in: row.email_opt_in === 1,
    is_active: row.is_active === 1,
    created_at: isoFromSeconds(row.created_at),
    updated_at: isoFromSeconds(row.updated_at),
  };
}
