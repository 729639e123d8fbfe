import { claimOpenRowsForQueue, claimRowsForQueue, releaseQueueClaims } from "./ledger-claims";

/** The queue's message: only the ledger row's id; the consumer reads everything else fresh. */
export type ReminderQueueMessage = { reminderId: number };

/** The queue accepts at most 100 messages per sendBatch call. */
const SEND_BATCH_LIMIT = 100;
/** Rows claimed per round of the cron's sweep; rounds repeat until the backlog is queued. */
const SWEEP_CHUNK = 2_000;
/** Bounds one cron invocation (50,000 rows); whatever is left waits for the next minute. */
const MAX_SWEEP_ROUNDS = 25;

/**
 * Queues every pending row the ledger holds: new ones, lost ones, and ones the sweeper took back
 * from a crashed consumer. Rows are claimed first (one atomic UPDATE per round), so an overlapping cron run
 * queues none of them again. Returns how many were queued.
 */
export async function enqueueOpenReminders(db: D1Database, queue: Queue<ReminderQueueMessage>, now: number): Promise<number> {
  let queued = 0;
  const unsent: number[] = [];
  for (let round = 0; round < MAX_SWEEP_ROUNDS; round++) {
    const ids = await claimOpenRowsForQueue(db, now, SWEEP_CHUNK);
    const result = await sendToQueue(queue, ids);
    queued += result.queued;
    unsent.push(...result.unsent);
    if (ids.length < SWEEP_CHUNK) break;
  }
  // Released only after the loop, or this run would claim them again straight away.
  if (unsent.length > 0) await releaseQueueClaims(db, unsent);
  return queued;
}

/** Queues the given rows (a booking's notices) unless the cron got to them first. */
export async function enqueueReminders(
  db: D1Database,
  queue: Queue<ReminderQueueMessage>,
  ids: readonly number[],
  now: number,
): Promise<number> {
  if (ids.length === 0) return 0;
  const { queued, unsent } = await sendToQueue(queue, await claimRowsForQueue(db, ids, now));
  if (unsent.length > 0) await releaseQueueClaims(db, unsent);
  return queued;
}

async function sendToQueue(queue: Queue<ReminderQueueMessage>, ids: readonly number[]): Promise<{ queued: number; unsent: number[] }> {
  const chunks: number[][] = [];
  for (let i = 0; i < ids.length; i += SEND_BATCH_LIMIT) chunks.push(ids.slice(i, i + SEND_BATCH_LIMIT));
  const results = await Promise.allSettled(chunks.map((chunk) => queue.sendBatch(chunk.map((reminderId) => ({ body: { reminderId } })))));
  const unsent = chunks.filter((_, i) => results[i]?.status === "rejected").flat();
  if (unsent.length > 0) console.error(JSON.stringify({ event: "reminder_enqueue_failed", rows: unsent.length }));
  return { queued: ids.length - unsent.length, unsent };
}
