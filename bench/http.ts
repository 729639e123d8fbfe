/**
 * Every hot endpoint through the built Worker in workerd (Miniflare's API), against two ceilings
 * in the same runtime and run: a Worker that answers a constant, and one that does one D1 point
 * read (bench/support/ceiling-workers.ts): `npm run bench:http`. Each target is driven with
 * IN_FLIGHT requests outstanding for SAMPLE_MS; rounds alternate the ceilings and the endpoints,
 * and the median round's req/s is printed with p50/p99 over all rounds and the ratio to the D1
 * ceiling (target ≥ 0.9x).
 *
 * Callers are distinct party pairs, each with a Twilio and an Agora appointment in its join
 * window, and platform JWTs (HS256, JWT_SECRET) minted beforehand, so the client's signing is
 * not timed. The per-user rate limit (`USER_RATE_LIMIT`, 60 a minute) would refuse them within
 * a second: the Worker runs with every `[[ratelimits]]` limit raised (`rateLimits` below), so the
 * binding is still called on every request, as in production, but never refuses.
 */
import { cpus } from "node:os";
import jwt from "@tsndr/cloudflare-worker-jwt";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { startBuiltWorker } from "./support/built-worker";
import { CEILING_AUDIT_OUTCOME, ceilingHosts, ceilingWorkers } from "./support/ceiling-workers";

const SAMPLE_MS = Number(process.env.SAMPLE_MS ?? 2000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const IN_FLIGHT = 32;
const PAIRS = 64;
const TARGET = 0.9;
const JWT_SECRET = "bench-jwt-secret-0123456789abcdef";
const API = "https://video-edge.bench";

const { compatibilityDate, d1Databases } = unstable_getMiniflareWorkerOptions("wrangler.toml").workerOptions as {
  compatibilityDate: string;
  d1Databases: unknown;
};
await using worker = await startBuiltWorker({
  bindings: {
    PUBLIC_BASE_URL: API,
    JWT_SECRET,
    TWILIO_ACCOUNT_SID: "AC00000000000000000000000000000001",
    TWILIO_API_KEY_SID: "SK00000000000000000000000000000002",
    TWILIO_API_KEY_SECRET: "bench-twilio-api-key-secret",
    AGORA_APP_ID: "970ca35de60c44645bbae8a215061b33",
    AGORA_APP_CERTIFICATE: "5cfd2fd1755d40ecb72977518be15d3b",
    // As deployed with NCS: a join only issues a token; the call starts on Agora's event.
    AGORA_NCS_SECRET: "bench-agora-ncs-secret",
    // Nothing here may reach a vendor.
    TWILIO_API_BASE_URL: "http://127.0.0.1:9",
    TWILIO_VIDEO_BASE_URL: "http://127.0.0.1:9",
    AGORA_API_BASE_URL: "http://127.0.0.1:9",
  },
  rateLimits: { USER_RATE_LIMIT: 1_000_000_000, WEBHOOK_RATE_LIMIT: 1_000_000_000, ANONYMOUS_RATE_LIMIT: 1_000_000_000 },
  quiet: !process.env.LOUD,
  neighbours: ceilingWorkers(compatibilityDate, d1Databases),
});

// Pair i: psychologist 2i+1 and patient 2i+2, a Twilio appointment (id 2i+1) and an Agora call
// (id 2i+2), both started five minutes ago: inside their join windows for the whole run.
const now = Math.floor(Date.now() / 1000);
const pairs = Array.from({ length: PAIRS }, (_, i) => ({
  psychologist: 2 * i + 1,
  patient: 2 * i + 2,
  twilio: { id: 2 * i + 1, room: `bench-twilio-${i}` },
  agora: { id: 2 * i + 2, room: `bench-agora-${i}` },
}));
const insertUser = worker.db.prepare(
  "INSERT INTO users (id, email, name, role, timezone, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 'UTC', ?5, ?5)",
);
const insertAppointment = worker.db.prepare(
  `INSERT INTO appointments (id, psychologist_id, patient_id, starts_at, duration_minutes, status, session_type, video_provider, video_room_id, created_at, updated_at)
   VALUES (?1, ?2, ?3, ?4, 50, 'confirmed', 'telehealth', ?5, ?6, ?4, ?4)`,
);
await worker.db.batch(
  pairs.flatMap(({ psychologist, patient, twilio, agora }) => [
    insertUser.bind(psychologist, `psychologist-${psychologist}@bench.test`, `Therapist ${psychologist}`, "psychologist", now),
    insertUser.bind(patient, `patient-${patient}@bench.test`, `Patient ${patient}`, "patient", now),
    insertAppointment.bind(twilio.id, psychologist, patient, now - 300, "twilio", twilio.room),
    insertAppointment.bind(agora.id, psychologist, patient, now - 300, "agora", agora.room),
  ]),
);

const roles = ["psychologist", "patient"] as const;
const tokens = new Map<number, string>();
for (const pair of pairs)
  for (const role of roles)
    tokens.set(
      pair[role],
      await jwt.sign({ sub: String(pair[role]), email: `${role}-${pair[role]}@bench.test`, role, iat: now, exp: now + 3600 }, JWT_SECRET),
    );

type Pair = (typeof pairs)[number];
/** One target: how to call it for the n-th request, and what its answer must look like. */
type Target = {
  name: string;
  request: (pair: Pair, role: (typeof roles)[number]) => [string, RequestInit];
  reads: string;
  /** Each answered request leaves one audit event (the `audited` middleware). */
  audited?: boolean;
  /** Counted against the per-user rate limit: compare with the rate-limited ceiling too. */
  limited?: boolean;
};

const as = (pair: Pair, role: (typeof roles)[number], method = "GET"): RequestInit => ({
  method,
  headers: { authorization: `Bearer ${tokens.get(pair[role])}` },
});

const ceilings: Record<"constant" | "d1Read" | "limitedD1Read" | "auditedD1Read", Target> = {
  constant: {
    name: "ceiling: constant Worker",
    request: (pair) => [`https://${ceilingHosts.constant}/${pair.twilio.id}`, {}],
    reads: "none",
  },
  d1Read: { name: "ceiling: one D1 point read", request: (pair) => [`https://${ceilingHosts.d1Read}/${pair.twilio.id}`, {}], reads: "1" },
  limitedD1Read: {
    name: "ceiling: rate limit + D1 read",
    request: (pair) => [`https://${ceilingHosts.limitedD1Read}/${pair.twilio.id}`, {}],
    reads: "1",
  },
  auditedD1Read: {
    name: "ceiling: limit + read + audit",
    request: (pair) => [`https://${ceilingHosts.auditedD1Read}/${pair.twilio.id}`, {}],
    reads: "1 + audit row",
  },
};

/** The built Worker's own floor: its middleware and router around one D1 read, with no caller to verify. */
const health: Target = { name: "built Worker: GET /health", request: () => [`${API}/health`, {}], reads: "1 (SELECT 1)" };

// `reads` is each route's D1 round trips while answering; the audit row is written after the
// answer (`waitUntil`): one more D1 write per request, off the answer's path.
const endpoints: Target[] = [
  {
    name: "Twilio token",
    limited: true,
    request: (pair, role) => [`${API}/api/appointments/video-token/${pair.twilio.id}/`, as(pair, role)],
    reads: "1",
    audited: true,
  },
  {
    name: "Twilio token refresh",
    limited: true,
    request: (pair, role) => [`${API}/api/appointments/video-token-refresh/${pair.twilio.id}/`, as(pair, role)],
    reads: "1",
    audited: true,
  },
  {
    name: "Agora join",
    limited: true,
    request: (pair, role) => [`${API}/api/v1/video/video-calls/${pair.agora.id}/join/`, as(pair, role, "POST")],
    reads: "1",
    audited: true,
  },
  {
    name: "Agora renewal",
    limited: true,
    request: (pair, role) => [`${API}/api/v1/video/video-calls/${pair.agora.id}/token/`, as(pair, role, "POST")],
    reads: "1",
    audited: true,
  },
  {
    name: "web session (Twilio)",
    limited: true,
    request: (pair, role) => [`${API}/api/video-sessions/${pair.twilio.room}/`, as(pair, role)],
    reads: "1",
    audited: true,
  },
  {
    name: "room status (Twilio)",
    request: (pair, role) => [`${API}/api/appointments/video-status/${pair.twilio.id}/`, as(pair, role)],
    reads: "1 + room object",
  },
  {
    name: "room status (Agora)",
    request: (pair, role) => [`${API}/api/v1/video/video-calls/${pair.agora.id}/status/`, as(pair, role)],
    reads: "1 + room object",
  },
  {
    name: "psychologist schedule",
    request: (pair) => [`${API}/api/appointments/psychologist/schedule/`, as(pair, "psychologist")],
    // The caller's profile first (the time zone the date filters are read in), then the count and
    // the page in one batch: two round trips.
    reads: "2",
    audited: true,
  },
  {
    name: "patient schedule",
    request: (pair) => [`${API}/api/appointments/patient/schedule/`, as(pair, "patient")],
    reads: "2",
    audited: true,
  },
];

let auditedRequests = 0;

/** Requests per second over one sample with IN_FLIGHT outstanding, each answer checked to be a 200. */
async function sample(target: Target, sampleMs: number, latencies: number[]): Promise<number> {
  let sent = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() - started < sampleMs) {
        const n = sent++;
        const [url, init] = target.request(pairs[n % PAIRS]!, roles[Math.floor(n / PAIRS) % 2]!);
        const requestStarted = performance.now();
        const response = await worker.fetch(url, init);
        const body = await response.text();
        latencies.push(performance.now() - requestStarted);
        if (response.status !== 200) throw new Error(`${target.name}: ${response.status} ${body}`);
        if (target.audited) auditedRequests++;
      }
    }),
  );
  return (sent * 1000) / (performance.now() - started);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

// LOUD=1 prints the Workers' logs (a lost audit write says so there).
// ONLY=<regex> measures the endpoints whose names match (with both ceilings), when working on a few.
const only = process.env.ONLY ? new RegExp(process.env.ONLY, "i") : undefined;
const targets = [
  ceilings.constant,
  ceilings.d1Read,
  ceilings.limitedD1Read,
  ceilings.auditedD1Read,
  health,
  ...endpoints.filter((endpoint) => !only || only.test(endpoint.name)),
];
const results = new Map(targets.map((target) => [target, { rounds: [] as number[], latencies: [] as number[] }]));
for (const target of targets) await sample(target, SAMPLE_MS / 4, []);
for (let round = 0; round < ROUNDS; round++)
  for (const target of targets) {
    const result = results.get(target)!;
    result.rounds.push(await sample(target, SAMPLE_MS, result.latencies));
  }

console.log(
  `node ${process.version}, ${cpus().length} CPUs; the built Worker and its ceilings in one workerd via Miniflare; ` +
    `${IN_FLIGHT} in flight, ${ROUNDS} rounds of ${SAMPLE_MS} ms, median round shown, latency over all rounds\n`,
);
const d1Ceiling = median(results.get(ceilings.d1Read)!.rounds);
const limitedCeiling = median(results.get(ceilings.limitedD1Read)!.rounds);
const auditedCeiling = median(results.get(ceilings.auditedD1Read)!.rounds);
console.log(
  `${"".padEnd(30)}${"req/s".padStart(7)}  ${"p50 ms".padStart(7)} ${"p99 ms".padStart(7)}  ${"D1 reads".padEnd(16)} ` +
    `${"vs D1 ceiling".padEnd(32)} ${"vs limit + D1".padEnd(14)} vs limit + D1 + audit`,
);
for (const target of targets) {
  const { rounds, latencies } = results.get(target)!;
  const perSecond = median(rounds);
  const sorted = latencies.sort((a, b) => a - b);
  const ratio = perSecond / d1Ceiling;
  const verdict = endpoints.includes(target) ? ` (target ${TARGET.toFixed(1)}x: ${ratio >= TARGET ? "met" : "NOT met"})` : "";
  console.log(
    `${target.name.padEnd(30)}${Math.round(perSecond).toLocaleString("en-US").padStart(7)}  ${percentile(sorted, 0.5).toFixed(1).padStart(7)} ` +
      `${percentile(sorted, 0.99).toFixed(1).padStart(7)}  ${target.reads.padEnd(16)} ${`${ratio.toFixed(2)}x${verdict}`.padEnd(32)} ` +
      (target.limited ? `${(perSecond / limitedCeiling).toFixed(2)}x`.padEnd(14) : "".padEnd(14)) +
      (target.limited && target.audited ? ` ${(perSecond / auditedCeiling).toFixed(2)}x` : ""),
  );
}
// The last requests' audit rows are written after their answers: give them a moment.
let stored = 0;
for (let wait = 0; wait < 50 && stored < auditedRequests; wait++) {
  await new Promise((resolve) => setTimeout(resolve, 100));
  stored =
    (
      await worker.db
        .prepare("SELECT COUNT(*) AS n FROM audit_events WHERE outcome != ?")
        .bind(CEILING_AUDIT_OUTCOME)
        .first<{ n: number }>()
    )?.n ?? 0;
}
console.log(`\naudit events stored: ${stored} of ${auditedRequests} audited requests answered`);
