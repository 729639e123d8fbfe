/**
 * The reminder pipeline at scale through the built Worker in workerd (Miniflare's API):
 * `npm run bench:reminders`. D1 holds 100,000 appointments; 10,000 reminders (2,500 sessions x
 * 2 parties x WhatsApp and email) came due in the minute since the last cron run, and everything
 * earlier is already in the ledger, as in steady state. One cron invocation must plan and queue
 * all 10,000 through index range reads (the plans are printed); the Worker's own queue consumer
 * then sends them to a local Twilio/Postmark stand-in. Prints the cron's time and reminders/s.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { reminderOffsets } from "../src/base/config";
import { dueStartRanges } from "../src/reminders/due-reminders";
import { unplannedAppointmentsSql } from "../src/reminders/ledger";
import { claimOpenRowsSql, REQUEUE_AFTER_SECONDS } from "../src/reminders/ledger-claims";
import { startBuiltWorker } from "./support/built-worker";

const APPOINTMENTS = 100_000;
const DUE_APPOINTMENTS = 2_500;
const NEXT_DAY_APPOINTMENTS = 1_500;
const PSYCHOLOGISTS = 1_000;
const PATIENTS = 20_000;
const DUE_REMINDERS = DUE_APPOINTMENTS * 2 * 2;
const DRAIN_TIMEOUT_MS = 5 * 60_000;
const ZONES = ["America/New_York", "America/Los_Angeles", "Europe/London", "Europe/Berlin", "Asia/Tokyo", "Australia/Sydney"];

/** Twilio's Messages API and Postmark's /email, answering as they do, counting what they get. */
async function startProviderStandIn() {
  const received = { whatsapp: 0, email: 0, unauthenticated: 0 };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    request.on("end", () => {
      const json = (status: number, body: unknown) =>
        response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      if (request.url?.endsWith("/Messages.json")) {
        if (!request.headers.authorization?.startsWith("Basic ")) received.unauthenticated++;
        received.whatsapp++;
        return json(201, { sid: `SM${String(received.whatsapp).padStart(32, "0")}`, status: "queued" });
      }
      if (request.url === "/email") {
        if (!request.headers["x-postmark-server-token"]) received.unauthenticated++;
        received.email++;
        return json(200, {
          To: "bench",
          SubmittedAt: new Date().toISOString(),
          MessageID: `pm-${received.email}`,
          ErrorCode: 0,
          Message: "OK",
        });
      }
      json(404, { error: "not a stand-in path" });
    });
  });
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    received,
    [Symbol.asyncDispose]: () => new Promise<void>((closed) => server.close(() => closed())),
  };
}

// The consumer logs a line per batch, as it should in production; here they would bury the results.
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) =>
  String(chunk).includes('"event":"reminder_batch"') ? true : write(chunk, ...rest)) as typeof process.stdout.write;

await using providers = await startProviderStandIn();
await using worker = await startBuiltWorker({
  bindings: {
    PUBLIC_BASE_URL: "https://video-edge.bench",
    MEETING_BASE_URL: "https://practice.bench",
    TWILIO_API_BASE_URL: providers.baseUrl,
    TWILIO_ACCOUNT_SID: "AC00000000000000000000000000000001",
    TWILIO_API_KEY_SID: "SK00000000000000000000000000000002",
    TWILIO_API_KEY_SECRET: "bench-api-key-secret",
    TWILIO_WHATSAPP_FROM: "+15550001111",
    EMAIL_API_BASE_URL: providers.baseUrl,
    EMAIL_API_KEY: "bench-postmark-server-token",
  },
});
const db = worker.db;

const now = Math.floor(Date.now() / 1000);
const offsets = reminderOffsets("1440,60,15") as number[];
const seeded = performance.now();
await db.batch([
  db
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
       INSERT INTO users (id, email, name, role, phone, timezone, whatsapp_opt_in, email_opt_in, is_active, created_at, updated_at)
       SELECT i, 'user' || i || '@bench.test', 'User ' || i, CASE WHEN i <= ?2 THEN 'psychologist' ELSE 'patient' END,
              '+1555' || printf('%07d', i), json_extract(?3, '$[' || CAST(i % ?4 AS INTEGER) || ']'), 1, 1, 1, ?5, ?5
       FROM n`,
    )
    .bind(PSYCHOLOGISTS + PATIENTS, PSYCHOLOGISTS, JSON.stringify(ZONES), ZONES.length, now),
  // 1..DUE: the 15-minute reminder came due in the last minute; then a day of already-planned
  // sessions; the rest spread over the following 90 days.
  db
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
       INSERT INTO appointments (id, psychologist_id, patient_id, starts_at, duration_minutes, status, session_type, service_name,
         video_provider, video_room_id, created_at, updated_at)
       SELECT i, 1 + i % ?2, ?2 + 1 + i % ?3,
              CAST(CASE WHEN i <= ?4 THEN ?6 + 900 - i % 60
                        WHEN i <= ?4 + ?5 THEN ?6 + 1200 + (i - ?4) * 56
                        ELSE ?6 + 86400 + 3600 + (i * 7919) % (90 * 86400) END AS INTEGER),
              50, 'confirmed', 'telehealth', 'Therapy session', 'twilio', 'apt-' || i || '-bench', ?6, ?6
       FROM n`,
    )
    .bind(APPOINTMENTS, PSYCHOLOGISTS, PATIENTS, DUE_APPOINTMENTS, NEXT_DAY_APPOINTMENTS, now),
  // Steady state: every reminder that came due before the last minute was already sent.
  db
    .prepare(
      `INSERT INTO reminders (appointment_id, recipient_id, channel, kind, offset_minutes, starts_at, due_at, status, attempts,
         queued_at, provider_message_id, sent_at, created_at, updated_at)
       SELECT a.id, u.id, ch.channel, 'reminder', o.value, a.starts_at, a.starts_at - o.value * 60, 'sent', 1,
              a.starts_at - o.value * 60, 'seeded', a.starts_at - o.value * 60, ?1, ?1
       FROM appointments a
       JOIN users u ON u.id IN (a.psychologist_id, a.patient_id)
       CROSS JOIN (SELECT 'whatsapp' AS channel UNION ALL SELECT 'email') ch
       CROSS JOIN json_each(?2) o
       WHERE a.starts_at > ?1 AND a.starts_at <= ?1 + 86400 AND a.starts_at - o.value * 60 <= ?1
         AND NOT (a.id <= ?3 AND o.value = 15)`,
    )
    .bind(now, JSON.stringify(offsets), DUE_APPOINTMENTS),
]);
const counts = await db
  .prepare("SELECT (SELECT COUNT(*) FROM appointments) AS appointments, (SELECT COUNT(*) FROM reminders) AS ledger")
  .first<{ appointments: number; ledger: number }>();
console.log(`node ${process.version}; built Worker in workerd via Miniflare; providers: local HTTP stand-in`);
console.log(
  `seeded ${counts?.appointments.toLocaleString("en-US")} appointments, ${counts?.ledger.toLocaleString("en-US")} ledger rows already sent, in ${((performance.now() - seeded) / 1000).toFixed(1)} s\n`,
);

console.log("EXPLAIN QUERY PLAN, the cron's queries:");
for (const range of dueStartRanges(offsets, now)) {
  const { results } = await db
    .prepare(`EXPLAIN QUERY PLAN ${unplannedAppointmentsSql}`)
    .bind(range.startsAfter, range.startsAtOrBefore, range.offsetMinutes)
    .all<{ detail: string }>();
  console.log(`  due appointments, offset ${String(range.offsetMinutes).padStart(4)}: ${results.map((r) => r.detail).join(" | ")}`);
}
const sweepPlan = await db
  .prepare(`EXPLAIN QUERY PLAN ${claimOpenRowsSql}`)
  .bind(now, now - REQUEUE_AFTER_SECONDS, 2000)
  .all<{ detail: string }>();
console.log(`  open-row sweep:                ${sweepPlan.results.map((r) => r.detail).join(" | ")}\n`);

const cronWorker = await worker.miniflare.getWorker();
const cronStarted = performance.now();
const { outcome } = await cronWorker.scheduled({ scheduledTime: new Date(now * 1000), cron: "* * * * *" });
const cronMs = performance.now() - cronStarted;
const queued = await db
  .prepare("SELECT COUNT(*) AS n FROM reminders WHERE queued_at = ? AND offset_minutes = 15")
  .bind(now)
  .first<{ n: number }>();
console.log(
  `cron pass (one invocation, ${outcome}): ${queued?.n.toLocaleString("en-US")} of ${DUE_REMINDERS.toLocaleString("en-US")} due reminders planned and queued in ${cronMs.toFixed(0)} ms`,
);
if (queued?.n !== DUE_REMINDERS) throw new Error(`expected ${DUE_REMINDERS} queued, got ${queued?.n}`);

// The Worker's queue consumer runs as messages arrive; wait until the ledger shows every row settled.
let settled: Record<string, number> = {};
while (performance.now() - cronStarted < DRAIN_TIMEOUT_MS) {
  const { results } = await db
    .prepare("SELECT status, COUNT(*) AS n FROM reminders WHERE offset_minutes = 15 GROUP BY status")
    .all<{ status: string; n: number }>();
  settled = Object.fromEntries(results.map((r) => [r.status, r.n]));
  if ((settled.pending ?? 0) + (settled.sending ?? 0) === 0) break;
  await new Promise((tick) => setTimeout(tick, 50));
}
const drainSeconds = (performance.now() - cronStarted) / 1000;
const sent = settled.sent ?? 0;
console.log(`consumer: ${JSON.stringify(settled)} after ${drainSeconds.toFixed(1)} s from the cron's start`);
console.log(
  `stand-in received ${providers.received.whatsapp.toLocaleString("en-US")} WhatsApp + ${providers.received.email.toLocaleString("en-US")} emails (${providers.received.unauthenticated} without credentials)`,
);
if (sent !== DUE_REMINDERS || providers.received.whatsapp + providers.received.email !== DUE_REMINDERS)
  throw new Error("not every due reminder was sent exactly once");
console.log(
  `\nthroughput: ${Math.round(sent / drainSeconds).toLocaleString("en-US")} reminders/s, cron start to last send (Miniflare runs the consumer one batch at a time)`,
);

const again = performance.now();
await cronWorker.scheduled({ scheduledTime: new Date((now + 60) * 1000), cron: "* * * * *" });
console.log(`the next minute's cron pass (steady state): ${(performance.now() - again).toFixed(0)} ms`);
