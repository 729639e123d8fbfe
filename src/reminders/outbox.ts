import { callerActiveIn, callerActiveStatement } from "../users/queries";
import type { Channel } from "./ledger";

/**
 * The local outbox: where messages go when a channel has no provider credentials and
 * LOCAL_OUTBOX is on (local development), so the whole flow can be followed in GET /api/admin/outbox.
 */

export type OutboxEntry = {
  reminderId: number;
  channel: Channel;
  recipient: string;
  subject: string | null;
  body: string;
  /** The provider request we would have made, without credentials. */
  payload: unknown;
};

export type OutboxRow = {
  id: number;
  reminder_id: number;
  channel: Channel;
  recipient: string;
  subject: string | null;
  body: string;
  payload: string;
  created_at: number;
};

/** Stores one message; its id stands in for the provider's message id on the ledger row. */
export async function addToOutbox(db: D1Database, entry: OutboxEntry, now: number): Promise<number> {
  const row = await db
    .prepare(
      "INSERT INTO outbox (reminder_id, channel, recipient, subject, body, payload, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(entry.reminderId, entry.channel, entry.recipient, entry.subject, entry.body, JSON.stringify(entry.payload), now)
    .first<{ id: number }>();
  if (!row) throw new Error("outbox insert returned no row");
  return row.id;
}

/** Newest first, with the total, in one round trip. */
export async function listOutbox(
  db: D1Database,
  page: { limit: number; offset: number },
  callerId: number,
): Promise<{ count: number; rows: OutboxRow[]; callerActive: number | null }> {
  const [count, rows, caller] = await db.batch([
    db.prepare("SELECT COUNT(*) AS count FROM outbox"),
    db.prepare("SELECT * FROM outbox ORDER BY id DESC LIMIT ? OFFSET ?").bind(page.limit, page.offset),
    callerActiveStatement(db, callerId),
  ]);
  return {
    count: (count?.results[0] as { count: number } | undefined)?.count ?? 0,
    rows: (rows?.results ?? []) as OutboxRow[],
    callerActive: callerActiveIn(caller),
  };
}
