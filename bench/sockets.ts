/**
 * Live-events sockets at scale through the built Worker in workerd (Miniflare's API):
 * `npm run bench:sockets`. 1,000 dashboards hold `/api/appointments/video-events/{id}/` open
 * at once, each with its party's JWT as a browser offers it (`Sec-WebSocket-Protocol: bearer,
 * <jwt>`), through real WebSocket connections to the runtime. Then signed Twilio callbacks
 * arrive and each room object tells its sockets: printed is the fan-out latency, from posting
 * the webhook to every socket of the room having the event, for one room at a time and for
 * every room at once.
 *
 * A room takes 4 sockets per party and 16 in all (src/rooms/events-sockets.ts), and only its
 * two parties may watch it: 8 sockets a room at most, so the 1,000 sockets are 125 rooms of 8
 * (100 rooms hold 800). The product's caps and rate limits are not raised.
 */
import { cpus } from "node:os";
import jwt from "@tsndr/cloudflare-worker-jwt";
import { twilioParams } from "../test/rooms/room-fixtures";
import { startBuiltWorker } from "./support/built-worker";
import { signedTwilioCallback, TWILIO_WEBHOOK_PATH } from "./support/twilio-callbacks";

const PUBLIC_BASE_URL = "https://video-edge.bench";
const AUTH_TOKEN = "bench-twilio-auth-token";
const JWT_SECRET = "bench-jwt-secret-of-at-least-32-bytes";
const ROOMS = 125;
const TABS_PER_PARTY = 4;
const SOCKETS_PER_ROOM = 2 * TABS_PER_PARTY;
const OPENING_IN_FLIGHT = 50;
const ONE_ROOM_EVENTS = 50;
const ALL_ROOMS_BURSTS = 5;

await using worker = await startBuiltWorker({
  bindings: {
    PUBLIC_BASE_URL,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    JWT_SECRET,
    // The heal alarm comes due after 2 minutes; if a run lasts that long it must not reach Twilio.
    TWILIO_VIDEO_BASE_URL: "http://127.0.0.1:9",
  },
  // Every webhook here comes from one loopback address, where Twilio posts from many: the
  // per-IP limit (600 a minute) is raised so it is not what is measured; it is still consulted.
  rateLimits: { WEBHOOK_RATE_LIMIT: 1_000_000 },
});

// Room r (1..ROOMS) is appointment r between therapist r and patient ROOMS + r.
const now = Math.floor(Date.now() / 1000);
const roomName = (room: number) => `bench-room-${room}`;
await worker.db.batch([
  worker.db
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
       INSERT INTO users (id, email, name, role, timezone, created_at, updated_at)
       SELECT i, 'user' || i || '@bench.test', 'User ' || i, CASE WHEN i <= ?2 THEN 'psychologist' ELSE 'patient' END, 'UTC', ?3, ?3 FROM n`,
    )
    .bind(2 * ROOMS, ROOMS, now),
  worker.db
    .prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
       INSERT INTO appointments (id, psychologist_id, patient_id, starts_at, duration_minutes, status, session_type, video_provider, video_room_id, created_at, updated_at)
       SELECT i, i, ?1 + i, ?2, 50, 'confirmed', 'telehealth', 'twilio', 'bench-room-' || i, ?2, ?2 FROM n`,
    )
    .bind(ROOMS, now - 300),
]);

/** A party's JWT as the platform issues it. */
const tokenOf = (userId: number) =>
  jwt.sign(
    {
      sub: String(userId),
      email: `user${userId}@bench.test`,
      role: userId <= ROOMS ? "psychologist" : "patient",
      iat: now,
      exp: now + 3600,
    },
    JWT_SECRET,
  );

/** Events a socket is waiting for, by a key the message carries: when each arrived. */
const awaited = new Map<string, { remaining: number; arrivals: number[]; done: () => void }>();
const keyOf = (room: number, sid: string) => `${room}:${sid}`;

type Dashboard = { room: number; ws: WebSocket };
function openDashboard(origin: string, room: number, userId: number, token: string): Promise<Dashboard> {
  return new Promise((opened, failed) => {
    const ws = new WebSocket(`${origin.replace(/^http/, "ws")}api/appointments/video-events/${room}/`, ["bearer", token]);
    // Node's WebSocket, typed here as workerd's: the same WHATWG interface.
    ws.addEventListener("error", () => failed(new Error(`socket of user ${userId} to room ${room} failed`)));
    ws.addEventListener("close", (event) =>
      failed(new Error(`socket of user ${userId} to room ${room} closed: ${event.code} ${event.reason}`)),
    );
    ws.addEventListener("message", (event) => {
      const message = JSON.parse(String(event.data)) as { type: string; participant?: { sid: string } };
      if (message.type === "status") return opened({ room, ws });
      const waiting = message.participant && awaited.get(keyOf(room, message.participant.sid));
      if (!waiting) return;
      waiting.arrivals.push(performance.now());
      if (--waiting.remaining === 0) waiting.done();
    });
  });
}

const sequences = new Map<number, number>();
/** One event's fan-out in each room it was posted to: ms from the posting to its webhook's 200, and to each socket having it. */
type RoomFanOut = { answered: number; arrivals: number[] };

/** Posts one signed callback per room, all at once, and waits until every socket of those rooms has the event. */
async function fanOut(rooms: number[], event: string, sid: string): Promise<RoomFanOut[]> {
  const deliveries = rooms.map(
    (room) =>
      new Promise<number[]>((done) => {
        const entry = { remaining: SOCKETS_PER_ROOM, arrivals: [] as number[], done: () => done(entry.arrivals) };
        awaited.set(keyOf(room, sid), entry);
      }),
  );
  const requests = await Promise.all(
    rooms.map((room) => {
      const sequence = (sequences.get(room) ?? 0) + 1;
      sequences.set(room, sequence);
      const params = twilioParams(event, Date.now(), sequence, { sid, identity: `${room}-user${room}@bench.test` }).map(
        ([name, value]) =>
          [name, name === "RoomName" ? roomName(room) : name === "RoomSid" ? `RM${String(room).padStart(32, "0")}` : value] as const,
      );
      return signedTwilioCallback(params, PUBLIC_BASE_URL, AUTH_TOKEN);
    }),
  );
  const posted = performance.now();
  const answered = await Promise.all(
    requests.map(async (init) => {
      const response = await worker.fetch(`${PUBLIC_BASE_URL}${TWILIO_WEBHOOK_PATH}`, init);
      const body = (await response.json()) as { delivery?: string };
      if (response.status !== 200 || body.delivery !== "applied") throw new Error(`unexpected ${response.status} ${JSON.stringify(body)}`);
      return performance.now() - posted;
    }),
  );
  const arrivals = await Promise.all(deliveries);
  for (const room of rooms) awaited.delete(keyOf(room, sid));
  return rooms.map((_, i) => ({ answered: answered[i]!, arrivals: arrivals[i]!.map((at) => at - posted) }));
}

const percentiles = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!.toFixed(1).padStart(6);
  return `p50 ${at(0.5)} ms  p99 ${at(0.99)} ms  max ${sorted.at(-1)!.toFixed(1).padStart(6)} ms`;
};

console.log(
  `node ${process.version}, ${cpus().length} CPUs; the built Worker in workerd via Miniflare; Node's WebSocket client in the same process\n`,
);

// Each party opens its 4 tabs; rooms fill in turn, OPENING_IN_FLIGHT handshakes at a time.
const origin = String(await worker.miniflare.ready);
const tokens = new Map(await Promise.all(Array.from({ length: 2 * ROOMS }, async (_, i) => [i + 1, await tokenOf(i + 1)] as const)));
const wanted = Array.from({ length: ROOMS }, (_, r) => r + 1).flatMap((room) =>
  Array.from({ length: SOCKETS_PER_ROOM }, (_, tab) => ({ room, userId: tab % 2 === 0 ? room : ROOMS + room })),
);
const dashboards: Dashboard[] = [];
const openingStarted = performance.now();
let nextSocket = 0;
await Promise.all(
  Array.from({ length: OPENING_IN_FLIGHT }, async () => {
    while (nextSocket < wanted.length) {
      const { room, userId } = wanted[nextSocket++]!;
      dashboards.push(await openDashboard(origin, room, userId, tokens.get(userId)!));
    }
  }),
);
const openingSeconds = (performance.now() - openingStarted) / 1000;
console.log(
  `opened ${dashboards.length.toLocaleString("en-US")} live-events sockets across ${ROOMS} rooms (${SOCKETS_PER_ROOM} a room, the per-party cap) in ` +
    `${openingSeconds.toFixed(1)} s: ${Math.round(dashboards.length / openingSeconds)} handshakes/s with their first status message, ${OPENING_IN_FLIGHT} at a time\n`,
);

const allRooms = Array.from({ length: ROOMS }, (_, r) => r + 1);
// Warm every room object and its D1 read of the appointment: the therapist joins everywhere.
await fanOut(allRooms, "participant-connected", "PA-therapist");

/** What the rooms' sockets saw of the events, as percentiles over the events posted. */
function report(fanOuts: RoomFanOut[]) {
  const lines: [string, number[]][] = [
    ["its webhook answered 200", fanOuts.map(({ answered }) => answered)],
    ["each socket has it", fanOuts.flatMap(({ arrivals }) => arrivals)],
    ["every socket of its room has it", fanOuts.map(({ arrivals }) => Math.max(...arrivals))],
    ["first to last socket of a room", fanOuts.map(({ arrivals }) => Math.max(...arrivals) - Math.min(...arrivals))],
  ];
  for (const [label, values] of lines) console.log(`  ${label.padEnd(34)} ${percentiles(values)}`);
}

const oneRoom: RoomFanOut[] = [];
for (let n = 0; n < ONE_ROOM_EVENTS; n++)
  oneRoom.push(...(await fanOut([allRooms[(n * 37) % ROOMS]!], "participant-connected", `PA-one-${n}`)));
console.log(`one event into one room, ${ONE_ROOM_EVENTS} events one at a time (rooms in turn), ms from posting the webhook until:`);
report(oneRoom);

const bursts: RoomFanOut[][] = [];
for (let burst = 0; burst < ALL_ROOMS_BURSTS; burst++) bursts.push(await fanOut(allRooms, "participant-connected", `PA-burst-${burst}`));
console.log(
  `\none event into every room at once: ${ROOMS} webhooks posted together, ${ROOMS * SOCKETS_PER_ROOM} deliveries, ${ALL_ROOMS_BURSTS} bursts; ms from the burst until:`,
);
report(bursts.flat());
console.log(
  `  ${`all ${(ROOMS * SOCKETS_PER_ROOM).toLocaleString("en-US")} sockets have it`.padEnd(34)} ${percentiles(bursts.map((burst) => Math.max(...burst.flatMap(({ arrivals }) => arrivals))))}`,
);

const stillOpen = dashboards.filter(({ ws }) => ws.readyState === WebSocket.OPEN).length;
console.log(`\nsockets still open at the end: ${stillOpen} of ${dashboards.length}`);
for (const { ws } of dashboards) ws.close();
