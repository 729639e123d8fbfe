/**
 * Signed Twilio room webhooks per second through the built Worker in workerd (Miniflare's API,
 * not `wrangler dev`): `npm run bench:webhooks`. Every request is verified, applied by its
 * room's Durable Object (which reads its appointment from D1 on the room's first event) and
 * stored before its 200, as in production. Measured
 * into one room (every event serialised through one object) and across 100 rooms, one request
 * at a time (latency) and with many in flight (throughput). Requests are signed beforehand, so
 * the numbers are the Worker's, not the client's.
 */
import { cpus } from "node:os";
import { type FormParams, twilioSignature } from "../src/providers/twilio/webhook-signature";
import { twilioParams } from "../test/rooms/room-fixtures";
import { type BuiltWorker, startBuiltWorker } from "./support/built-worker";

const PUBLIC_BASE_URL = "https://video-edge.bench";
const AUTH_TOKEN = "bench-twilio-auth-token";
const WEBHOOK_PATH = "/api/webhooks/twilio/video";

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

type Sent = { path: string; init?: RequestInit; applied: boolean };

/** The callbacks as Twilio posts them, signed beforehand so the client's HMACs are not timed. */
function signed(callbacks: FormParams[]): Promise<Sent[]> {
  return Promise.all(
    callbacks.map(async (params) => ({
      path: WEBHOOK_PATH,
      init: {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "x-twilio-signature": await twilioSignature(AUTH_TOKEN, `${PUBLIC_BASE_URL}${WEBHOOK_PATH}`, params),
        },
        body: new URLSearchParams([...params]).toString(),
      },
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
async function send(worker: BuiltWorker, requests: Sent[], inFlight: number) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < requests.length) {
        const { path, init, applied } = requests[next++]!;
        const sent = performance.now();
        const response = await worker.fetch(`${PUBLIC_BASE_URL}${path}`, init);
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

const ROOMS = 100;
await using worker = await startBuiltWorker({
  bindings: {
    PUBLIC_BASE_URL,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    // The heal alarm comes due after 2 minutes; if a run lasts that long it must not reach Twilio.
    TWILIO_VIDEO_BASE_URL: "http://127.0.0.1:9",
  },
});

// Room 0 warms up; rooms 1..ROOMS are the 100; the single-room runs get rooms of their own.
const singleRooms = { warmUp: 0, oneAtATime: ROOMS + 1, inFlight: ROOMS + 2 };
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
  ...Array.from({ length: ROOMS + 3 }, (_, room) =>
    worker.db
      .prepare(
        `INSERT INTO appointments (psychologist_id, patient_id, starts_at, duration_minutes, status, session_type, video_provider, video_room_id, created_at, updated_at)
         VALUES (1, 2, ?1, 50, 'confirmed', 'telehealth', 'twilio', ?2, ?1, ?1)`,
      )
      .bind(now - 600 + room, `bench-room-${room}`),
  ),
]);

const startMs = Date.now() - 60_000;
const health = (count: number): Sent[] => Array.from({ length: count }, () => ({ path: "/health", applied: false }));
const scenarios = [
  { name: "warm-up", requests: await signed(sessionCallbacks(singleRooms.warmUp, 500, startMs)), inFlight: 16, print: false },
  // The ceiling of this harness (client, loopback HTTP, runtime) on this machine, for scale.
  { name: "baseline: GET /health", requests: health(1000), inFlight: 1, print: true },
  { name: "baseline: GET /health", requests: health(3000), inFlight: 100, print: true },
  { name: "1 room", requests: await signed(sessionCallbacks(singleRooms.oneAtATime, 1000, startMs)), inFlight: 1, print: true },
  // 3,000 events into one object: its 500-entry log is full for most of the run, the worst case.
  { name: "1 room", requests: await signed(sessionCallbacks(singleRooms.inFlight, 3000, startMs)), inFlight: 32, print: true },
  {
    name: `${ROOMS} rooms`,
    requests: interleave(await Promise.all(Array.from({ length: ROOMS }, (_, i) => signed(sessionCallbacks(i + 1, 60, startMs))))),
    inFlight: 100,
    print: true,
  },
];

console.log(
  `node ${process.version}, ${cpus().length} CPUs; the built Worker in workerd via Miniflare; signed Twilio room status callbacks, each verified, applied and stored\n`,
);
for (const { name, requests, inFlight, print } of scenarios) {
  const { perSecond, p50, p99 } = await send(worker, requests, inFlight);
  if (!print) continue;
  const mode = inFlight === 1 ? "1 at a time" : `${inFlight} in flight`;
  console.log(
    `${name.padEnd(22)} ${mode.padEnd(13)} ${String(requests.length).padStart(5)} requests ${Math.round(perSecond).toLocaleString("en-US").padStart(7)}/s   ` +
      `latency p50 ${p50.toFixed(1).padStart(5)} ms  p99 ${p99.toFixed(1).padStart(6)} ms`,
  );
}

const completed = await worker.db.prepare("SELECT COUNT(*) AS n FROM appointments WHERE status = 'completed'").first<{ n: number }>();
console.log(`\nappointments completed by their room-ended webhooks: ${completed?.n} of ${ROOMS + 3}`);
