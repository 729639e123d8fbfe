/**
 * What `bench/http.ts` and `bench/profile.ts` drive: the built Worker in workerd (Miniflare's API)
 * with the ceiling Workers beside it (support/ceiling-workers.ts), its D1 seeded with callers,
 * and every hot endpoint as a target.
 *
 * Callers are distinct party pairs, each with a Twilio and an Agora appointment in its join
 * window, and platform JWTs (HS256, JWT_SECRET) minted beforehand, so the client's signing is
 * not timed. The per-user rate limit (`USER_RATE_LIMIT`, 60 a minute) would refuse them within
 * a second: the Worker runs with every `[[ratelimits]]` limit raised (`rateLimits` below), so the
 * binding is still called on every request, as in production, but never refuses.
 *
 * The Worker answers its host by route, as the ceilings do. Without a route Miniflare would send
 * its requests through its asset router first (the Worker serves the web client's assets), a
 * JavaScript hop on the same thread that costs about 0.3 ms of CPU a request here and that the
 * ceilings never take: in production that router is Cloudflare's, outside the Worker.
 *
 * @example await using bench = await startHttpBench(); await bench.sample(bench.endpoints[0], 2000)
 */
import jwt from "@tsndr/cloudflare-worker-jwt";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { startBuiltWorker } from "./built-worker";
import { ceilingHosts, ceilingWorkers } from "./ceiling-workers";

export const IN_FLIGHT = 32;
const PAIRS = 64;
const JWT_SECRET = "bench-jwt-secret-0123456789abcdef";
const API_HOST = "video-edge.bench";
const API = `https://${API_HOST}`;

type Pair = ReturnType<typeof partyPairs>[number];
const roles = ["psychologist", "patient"] as const;
type Role = (typeof roles)[number];

/** One target: how to call it for a pair and role, and what its answer must look like. */
export type Target = {
  name: string;
  request: (pair: Pair, role: Role) => [string, RequestInit];
  reads: string;
  /** Each answered request leaves one audit event (the `audited` middleware). */
  audited?: boolean;
  /** Counted against the per-user rate limit: compare with the rate-limited ceiling too. */
  limited?: boolean;
};

// Pair i: psychologist 2i+1 and patient 2i+2, a Twilio appointment (id 2i+1) and an Agora call
// (id 2i+2), both started five minutes ago: inside their join windows for the whole run.
function partyPairs() {
  return Array.from({ length: PAIRS }, (_, i) => ({
    psychologist: 2 * i + 1,
    patient: 2 * i + 2,
    twilio: { id: 2 * i + 1, room: `bench-twilio-${i}` },
    agora: { id: 2 * i + 2, room: `bench-agora-${i}` },
  }));
}

/** Each target's requests, for callers who present `authorization` (a pair's party, by role). */
function targets(authorization: (pair: Pair, role: Role) => string) {
  const as = (pair: Pair, role: Role, method = "GET"): RequestInit => ({ method, headers: { authorization: authorization(pair, role) } });

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

  return { ceilings, health, endpoints };
}

/** The Worker and its ceilings running, the callers seeded; `sample` drives one target. */
export async function startHttpBench({ inspectorPort }: { inspectorPort?: number } = {}) {
  const { compatibilityDate, d1Databases } = unstable_getMiniflareWorkerOptions("wrangler.toml").workerOptions as {
    compatibilityDate: string;
    d1Databases: unknown;
  };
  const worker = await startBuiltWorker({
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
    routes: [`${API_HOST}/*`],
    inspectorPort,
    neighbours: ceilingWorkers(compatibilityDate, d1Databases),
  });

  const now = Math.floor(Date.now() / 1000);
  const pairs = partyPairs();
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
  const tokens = new Map<number, string>();
  for (const pair of pairs)
    for (const role of roles)
      tokens.set(
        pair[role],
        await jwt.sign({ sub: String(pair[role]), email: `${role}-${pair[role]}@bench.test`, role, iat: now, exp: now + 3600 }, JWT_SECRET),
      );

  let audited = 0;
  /**
   * One sample with IN_FLIGHT outstanding, each answer checked to be a JSON 200: requests per
   * second, and the runtime's CPU time per request (µs), which the harness's own noise touches less.
   */
  async function sample(target: Target, sampleMs: number, latencies: number[] = []): Promise<{ perSecond: number; cpuMicros: number }> {
    let sent = 0;
    const started = performance.now();
    const cpuAtStart = worker.runtimeCpuMs();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (performance.now() - started < sampleMs) {
          const n = sent++;
          const [url, init] = target.request(pairs[n % PAIRS]!, roles[Math.floor(n / PAIRS) % 2]!);
          const requestStarted = performance.now();
          const response = await worker.fetch(url, init);
          const body = await response.text();
          latencies.push(performance.now() - requestStarted);
          // A JSON 200: a path the Worker missed would be the web client's page.
          if (response.status !== 200 || !response.headers.get("content-type")?.includes("json"))
            throw new Error(`${target.name}: ${response.status} ${body.slice(0, 200)}`);
          if (target.audited) audited++;
        }
      }),
    );
    return { perSecond: (sent * 1000) / (performance.now() - started), cpuMicros: ((worker.runtimeCpuMs() - cpuAtStart) * 1000) / sent };
  }

  return {
    worker,
    ...targets((pair, role) => `Bearer ${tokens.get(pair[role])}`),
    sample,
    /** How many audited answers the samples have had: each must leave its audit row. */
    auditedAnswers: () => audited,
    [Symbol.asyncDispose]: () => worker[Symbol.asyncDispose](),
  };
}
