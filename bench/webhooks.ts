/**
 * Signed Twilio room webhooks per second through the built Worker in workerd (Miniflare's API,
 * not `wrangler dev`), beside the ceiling of the same runtime: `npm run bench:webhooks`. Every
 * request is verified, applied by its room's Durable Object (which reads its appointment from D1
 * on the room's first event) and stored before its 200, as in production. The ceiling is a bare
 * Worker that hands the same bodies to a Durable Object by name which stores one row
 * (support/ceiling/), so the ratio is what our verification, parsing and state cost on top of
 * the round trip no Worker can avoid. Measured into one room (every event serialised through one
 * object) and across 100 rooms, one request at a time (latency) and with many in flight
 * (throughput), in rounds alternating ours and the ceiling; the median round is printed.
 * Requests are signed beforehand, so the numbers are the Worker's, not the client's.
 */
import { cpus } from "node:os";
import type { FormParams } from "../src/providers/twilio/webhook-signature";
import { twilioParams } from "../test/rooms/room-fixtures";
import { type RunningWorker, startBuiltWorker, startWorker } from "./support/built-worker";
import { signedTwilioCallback, TWILIO_WEBHOOK_PATH } from "./support/twilio-callbacks";

const PUBLIC_BASE_URL = "https://video-edge.bench";
const CEILING_URL = "https://ceiling.bench/";
const AUTH_TOKEN = "bench-twilio-auth-token";
const ROUNDS = 3;
const ROOMS = 100;

/**
 * A session's callbacks as Twilio sends them: the room opens, the therapist joins, the patient
 * drops and rejoins (a new ParticipantSid each time) every 20 events, track events in between,
 * and the room ends. Each callback is a distinct event, so every one is applied, none deduped.
 */
function sessionCallbacks(room: number, count: number, startMs: number): FormParams[] {
  const roomName = `bench-room-${room}`;
  const roomSid = `RM${String(room).padStart(32, "0")}`;
  const sid = (kind: number, n: number) => `PA${String(room).padStart(16, "0")}${String(kind * 1_000_000 + n).padStart(16, "0")}`;
  const therapist = { sid: sid(1, 0), identity: "therapist:1" };
  const callbacks: FormParams[] = [];
  const add = (event: string, participant?: { sid: string; identity: string }) =>
    callbacks.push(twilioParams(event, startMs + callbacks.length * 100, callbacks.length, participant));
  add("room-created");
  add("participant-connected", therapist);
  for (let cycle = 0; callbacks.length < count - 1; cycle++) {
    const patient = { sid: sid(2, cycle), identity: "patient:2" };
    add("participant-connected", patient);
    for (let track = 0; track < 17 && callbacks.length < count - 2; track++)
      add(["track-added", "track-enabled", "track-disabled"][track % 3]!, patient);
    add("participant-disconnected", patient);
  }
  add("room-ended");
  return callbacks.map((params) =>
    params.map(([name, value]) => [name, name === "RoomName" ? roomName : name === "RoomSid" ? roomSid : value] as const),
  );
}

type Sent = { url: string; init?: RequestInit; applied: boolean };

/** The callbacks as Twilio posts them, signed beforehand. */
function signed(callbacks: FormParams[]): Promise<Sent[]> {
  return Promise.all(
    callbacks.map(async (params) => ({
      url: `${PUBLIC_BASE_URL}${TWILIO_WEBHOOK_PATH}`,
      init: await signedTwilioCallback(params, PUBLIC_BASE_URL, AUTH_TOKEN),
      applied: true,
    })),
  );
}

/** Round-robin across rooms, as independent sessions' webhooks interleave. */
function interleave<T>(streams: T[][]): T[] {
  const longest = Math.max(...streams.map((stream) => stream.length));
  return Array.from({ length: longest }, (_, i) => streams.flatMap((stream): T[] => (i < stream.length ? [stream[i]!] : []))).flat();
}

/** Sends every request keeping `inFlight` outstanding; checks each webhook was applied. */
async function send(worker: RunningWorker, requests: Sent[], inFlight: number) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < requests.length) {
        const { url, init, applied } = requests[next++]!;
        const sent = performance.now();
        const response = await worker.fetch(url, init);
        const result = (await response.json()) as { delivery?: string };
        latencies.push(performance.now() - sent);
        if (response.status !== 200 || (applied && result.delivery !== "applied"))
          throw new Error(`unexpected ${response.status} ${JSON.stringify(result)}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
  return { perSecond: requests.length / seconds, p50: percentile(0.5), p99: percentile(0.99) };
}

/** The same bodies, each handed by the ceiling Worker to the Durable Object of its room. */
function forCeiling(requests: Sent[]): Sent[] {
  return requests.map(({ init }) => {
    const room = new URLSearchParams(String(init?.body)).get("RoomName") ?? "";
    return { url: `${CEILING_URL}?room=${encodeURIComponent(room)}`, init: { method: "POST", body: init?.body ?? null }, applied: true };
  });
}

await using worker = await startBuiltWorker({
  bindings: {
    PUBLIC_BASE_URL,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    // The heal alarm comes due after 2 minutes; if a run lasts that long it must not reach Twilio.
    TWILIO_VIDEO_BASE_URL: "http://127.0.0.1:9",
  },
  // Every webhook here comes from one loopback address, where Twilio posts from many: the
  // per-IP limit (600 a minute) is raised so it is not what is measured; it is still consulted.
  rateLimits: { WEBHOOK_RATE_LIMIT: 1_000_000 },
  // By route, as bench:http does: not through Miniflare's asset router, which the ceiling (no
  // assets) never passes and production runs outside the Worker.
  routes: [`${new URL(PUBLIC_BASE_URL).host}/*`],
});
await using ceiling = await startWorker({ configPath: "bench/support/ceiling/wrangler.toml" });

/**
 * Each round gets rooms of its own (a room's first event reads D1, a completed room takes no
 * more): room 0 warms up, then every scenario's rounds take the next ones.
 */
const scenarios = [
  { name: "1 room", rooms: 1, eventsPerRoom: 300, inFlight: 1 },
  // 1,000 events into one object: its 500-entry log is full for half of each round, the worst case.
  { name: "1 room", rooms: 1, eventsPerRoom: 1000, inFlight: 32 },
  { name: `${ROOMS} rooms`, rooms: ROOMS, eventsPerRoom: 5, inFlight: 1 },
  { name: `${ROOMS} rooms`, rooms: ROOMS, eventsPerRoom: 20, inFlight: ROOMS },
];
const seededRooms = 1 + ROUNDS * scenarios.reduce((sum, { rooms }) => sum + rooms, 0);
const now = Math.floor(Date.now() / 1000);
await worker.db.batch([
  worker.db
    .prepare(
      "INSERT INTO users (id, email, name, role, timezone, created_at, updated_at) VALUES (1, 'therapist@bench.test', 'Therapist', 'psychologist', 'UTC', ?1, ?1)",
    )
    .bind(now),
  worker.db
    .prepare(
      "INSERT INTO users (id, email, name, role, timezone, created_at, updated_at) VALUES (2, 'patient@bench.test', 'Patient', 'patient', 'UTC', ?1, ?1)",
    )
    .bind(now),
  ...Array.from({ length: seededRooms }, (_, room) =>
    worker.db
      .prepare(
        `INSERT INTO appointments (psychologist_id, patient_id, starts_at, duration_minutes, status, session_type, video_provider, video_room_id, created_at, updated_at)
         VALUES (1, 2, ?1, 50, 'confirmed', 'telehealth', 'twilio', ?2, ?1, ?1)`,
      )
      // Booked to end before the callbacks: a room-ended completes the appointment at once.
      .bind(now - 3600 - room, `bench-room-${room}`),
  ),
]);

const startMs = Date.now() - 60_000;
let nextRoom = 1;
/** One round's webhooks: fresh rooms, interleaved as independent sessions' webhooks are. */
async function roundRequests(rooms: number, eventsPerRoom: number): Promise<Sent[]> {
  const first = nextRoom;
  nextRoom += rooms;
  return interleave(
    await Promise.all(Array.from({ length: rooms }, (_, i) => signed(sessionCallbacks(first + i, eventsPerRoom, startMs)))),
  );
}

const warmUp = await signed(sessionCallbacks(0, 500, startMs));
await send(worker, warmUp, 16);
await send(ceiling, forCeiling(warmUp), 16);

console.log(
  `node ${process.version}, ${cpus().length} CPUs; workerd via Miniflare; ours: the built Worker, signed Twilio room status callbacks, each verified, applied and stored;
` +
    `ceiling: a bare Worker handing each body to a Durable Object by name that stores one row. Median of ${ROUNDS} alternating rounds.
`,
);
const health = await send(
  worker,
  Array.from({ length: 1000 }, () => ({ url: `${PUBLIC_BASE_URL}/health`, applied: false })),
  100,
);
console.log(`the harness, our GET /health, 100 in flight: ${Math.round(health.perSecond).toLocaleString("en-US")}/s
`);

const rate = (perSecond: number) => Math.round(perSecond).toLocaleString("en-US").padStart(7);
const median = <T extends { perSecond: number }>(runs: T[]) => runs.sort((a, b) => a.perSecond - b.perSecond)[Math.floor(runs.length / 2)]!;
for (const { name, rooms, eventsPerRoom, inFlight } of scenarios) {
  const ours: Awaited<ReturnType<typeof send>>[] = [];
  const bare: Awaited<ReturnType<typeof send>>[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const requests = await roundRequests(rooms, eventsPerRoom);
    ours.push(await send(worker, requests, inFlight));
    bare.push(await send(ceiling, forCeiling(requests), inFlight));
  }
  const [o, c] = [median(ours), median(bare)];
  const mode = inFlight === 1 ? "1 at a time" : `${inFlight} in flight`;
  console.log(
    `${name.padEnd(10)} ${mode.padEnd(13)} ${String(rooms * eventsPerRoom).padStart(5)} requests/round   ours ${rate(o.perSecond)}/s (p50 ${o.p50.toFixed(1)} ms, p99 ${o.p99.toFixed(1)} ms)   ` +
      `ceiling ${rate(c.perSecond)}/s (p50 ${c.p50.toFixed(1)} ms, p99 ${c.p99.toFixed(1)} ms)   ${(o.perSecond / c.perSecond).toFixed(2)}x`,
  );
}

const completed = await worker.db.prepare("SELECT COUNT(*) AS n FROM appointments WHERE status = 'completed'").first<{ n: number }>();
console.log(`\nappointments completed by their room-ended webhooks: ${completed?.n} of ${seededRooms}`);
