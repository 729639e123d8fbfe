import { HttpResponse, http } from "msw";
import { beforeAll, describe, expect, it } from "vitest";
import type { AppointmentRow } from "../../src/appointments/queries";
import { call, callJson, type TestUser, tokenFor } from "../support/api";
import { createAppointment, createUser, type UserFixture } from "../support/fixtures";
import { useOutboundStandIn } from "../support/outbound";
import { type DeclaredRoute, declaredRoutes } from "./declared-routes";
import { sessionTokenOf } from "./video-sessions/join-key";

/**
 * What every route behind a caller's token owes the callers who are not its appointment's
 * parties. A route the app answers must be in this table or declare itself public with a reason
 * (`publicRoute`, `publicAccess`), so a new route cannot go unchecked.
 */
type Rule = {
  /** One appointment's route (its id or room name fills the path), the caller's own data, or admins' only. */
  serves: "appointment" | "own" | "admins";
  fixture?: Fixture;
  /** An admin on an appointment's route: 403 where it would let them into its room, "manages" where admins read and change it. */
  admin?: 403 | "manages";
  /** The appointment's own personal-link token reaches it. */
  session?: true;
  webSocket?: true;
  body?: unknown;
};
type Fixture = "twilio" | "agora" | "webrtc";

const own: Rule = { serves: "own" };
const enters = (fixture: Fixture, more: Partial<Rule> = {}): Rule => ({
  serves: "appointment",
  fixture,
  admin: 403,
  session: true,
  ...more,
});
const manages = (fixture: Fixture, more: Partial<Rule> = {}): Rule => ({ serves: "appointment", fixture, admin: "manages", ...more });

const rules: Record<string, Rule> = {
  "GET /api/users/me": own,
  "PUT /api/users/me": { serves: "own", body: {} },
  "PUT /api/admin/users/{id}/": { serves: "admins", body: { email: "synced@example.com", role: "patient" } },
  "GET /api/appointments/": own,
  "POST /api/appointments/": { serves: "own", body: {} },
  "GET /api/appointments/psychologist/schedule/": own,
  "GET /api/appointments/patient/schedule/": own,
  "GET /api/appointments/{id}/": manages("twilio"),
  "PATCH /api/appointments/{id}/": manages("twilio", { body: { status: "confirmed" } }),
  "GET /api/appointments/video-token/{id}/": enters("twilio"),
  "GET /api/appointments/video-token-refresh/{id}/": enters("twilio"),
  "POST /api/appointments/video-room/{id}/": enters("twilio"),
  "GET /api/appointments/video-status/{id}/": enters("twilio"),
  "GET /api/appointments/video-events/{id}/": enters("twilio", { webSocket: true }),
  "GET /api/v1/video/video-calls/": own,
  "POST /api/v1/video/video-calls/": { serves: "own", body: {} },
  "GET /api/v1/video/video-calls/{id}/": manages("agora"),
  "POST /api/v1/video/video-calls/{id}/join/": enters("agora"),
  "POST /api/v1/video/video-calls/{id}/token/": enters("agora"),
  "GET /api/v1/video/video-calls/{id}/status/": enters("agora"),
  // Ending a call is the parties' alone, but not a personal link's: the page never ends a call.
  "POST /api/v1/video/video-calls/{id}/end/": enters("agora", { session: undefined }),
  "POST /api/v1/video/video-calls/{id}/cancel/": manages("agora"),
  "GET /api/video-sessions/{room_name}/": enters("webrtc"),
  "POST /api/video-sessions/{room_name}/refresh/": enters("webrtc"),
  "GET /api/video-sessions/{room_name}/signal/": enters("webrtc", { webSocket: true }),
  "GET /api/admin/outbox": { serves: "admins" },
  "GET /api/admin/audit-events/": { serves: "admins" },
};

/** Paths no route answers: they still ask for a caller first. */
const unknownPaths = (row: AppointmentRow): [method: string, path: string][] => [
  ["GET", "/api/nope/"],
  ["POST", "/api/webhooks/nope"],
  ["DELETE", `/api/video-sessions/${row.video_room_id}/`],
  ["GET", `/api/v1/video/video-calls/${row.id}/join/`],
];

const outbound = useOutboundStandIn();
let psychologist: UserFixture, patient: UserFixture, stranger: UserFixture, otherParty: UserFixture, admin: UserFixture;
let fixtures: Record<Fixture, AppointmentRow>;
/** Another open session of the same two parties: its personal-link token is outside every fixture's routes. */
let elsewhere: AppointmentRow;
const callerRoutes = () => declaredRoutes().filter((route) => route.access && "caller" in route.access);

beforeAll(async () => {
  [psychologist, patient, stranger, otherParty, admin] = await Promise.all([
    createUser("psychologist", { name: "Grace Hopperton" }),
    createUser("patient", { name: "Alan Turingham" }),
    createUser("patient", { name: "Sam Stranger" }),
    createUser("psychologist", { name: "Olga Otherparty" }),
    createUser("admin", { name: "Ada Admin" }),
  ]);
  const session = (videoProvider: Fixture) => createAppointment({ psychologist, patient, startsInMinutes: 5, videoProvider });
  fixtures = { twilio: await session("twilio"), agora: await session("agora"), webrtc: await session("webrtc") };
  elsewhere = await session("twilio");
  // The other party has an appointment of their own, with someone else.
  await createAppointment({ psychologist: otherParty, patient: await createUser("patient"), startsInMinutes: 5 });
});

/** The route's path with real ids: the fixture's appointment id or room name, a real user for the admin sync. */
function pathOf(route: DeclaredRoute, rule: Rule): string {
  const row = fixtures[rule.fixture ?? "twilio"];
  return route.path.replace("{room_name}", row.video_room_id!).replace("{id}", String(rule.serves === "admins" ? patient.id : row.id));
}

/** Calls the route as a browser would: WebSocket routes with an upgrade, so the route gets past its 426 to who is asking. */
function send(
  route: DeclaredRoute,
  caller: { as?: TestUser; token?: string },
  options: { upgrade?: boolean; query?: string; headers?: Record<string, string> } = {},
) {
  const rule = rules[route.key]!;
  const upgrade = options.upgrade ?? rule.webSocket;
  return call(`${pathOf(route, rule)}${options.query ?? ""}`, {
    method: route.method,
    body: rule.body,
    headers: { ...(upgrade ? { upgrade: "websocket" } : {}), ...options.headers },
    ...caller,
  });
}

/** The personal-link token of `row`'s patient. */
const sessionTokenFor = (row: AppointmentRow) => sessionTokenOf(row, patient.id);

/** Names, emails and room names of the fixtures' appointments: none may reach a caller who is not their party. */
function leakedData(text: string): string[] {
  const secrets = [
    psychologist.name,
    psychologist.email,
    patient.name,
    patient.email,
    ...Object.values(fixtures).map((row) => row.video_room_id!),
  ];
  return secrets.filter((secret) => text.includes(secret));
}

describe("every route declares who may call it", () => {
  it("has a declaration on every route the app answers, and a rule here for every one behind a caller's token", async () => {
    const routes = declaredRoutes();
    expect(routes.length).toBeGreaterThan(30);
    expect(routes.filter((route) => !route.access).map((route) => route.key)).toEqual([]);
    const callerKeys = callerRoutes().map((route) => route.key);
    expect(callerKeys.filter((key) => !rules[key])).toEqual([]);
    expect(Object.keys(rules).filter((key) => !callerKeys.includes(key))).toEqual([]);
  });

  it("documents the same routes, with the bearer token exactly where a caller is needed", async () => {
    const document = (await (await call("/openapi.json")).json()) as { paths: Record<string, Record<string, { security?: unknown }>> };
    const declared = new Map(declaredRoutes().map((route) => [route.key, route.access]));
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, operation]) => {
        const access = declared.get(`${method.toUpperCase()} ${path}`);
        return {
          route: `${method.toUpperCase()} ${path}`,
          declared: access && ("caller" in access ? "caller" : "public"),
          security: operation.security,
        };
      }),
    );
    expect(documented.length).toBeGreaterThan(30);
    expect(documented.filter(({ declared }) => !declared)).toEqual([]);
    for (const { route, declared, security } of documented) {
      expect({ route, security }).toEqual({ route, security: declared === "caller" ? [{ bearerAuth: [] }] : undefined });
    }
  });

  it("lets public routes through only with a reason, and those under /api still refuse a request without their own credential", async () => {
    const publicRoutes = declaredRoutes().filter((route) => route.access && "public" in route.access);
    expect(publicRoutes.map((route) => route.key).sort()).toEqual([
      "GET /docs",
      "GET /health",
      "GET /openapi.json",
      "POST /api/video-sessions/{room_name}/redeem/",
      "POST /api/webhooks/agora/ncs",
      "POST /api/webhooks/twilio/messages",
      "POST /api/webhooks/twilio/video",
    ]);
    for (const route of publicRoutes) {
      const reason = route.access && "public" in route.access ? route.access.public : "";
      expect({ route: route.key, reason }).toEqual({ route: route.key, reason: expect.stringMatching(/^[A-Z].{20,}\.$/) });
      if (!route.path.startsWith("/api/")) continue;
      // No signature or key: refused by the route's own check, whether or not a platform JWT comes along.
      const path = route.path.replace("{room_name}", fixtures.webrtc.video_room_id!);
      for (const as of [undefined, patient]) {
        const { status } = await call(path, { method: route.method, body: {}, as });
        expect({ route: route.key, refused: status === 400 || status === 403 }).toEqual({ route: route.key, refused: true });
      }
    }
  });
});

describe("the route table: every route behind a caller's token", () => {
  it("answers a request without credentials with 401", async () => {
    const answers = [];
    for (const route of callerRoutes()) {
      const response = await send(route, {});
      answers.push({ route: route.key, status: response.status, body: await response.json() });
    }
    expect(answers).toEqual(
      callerRoutes().map((route) => ({ route: route.key, status: 401, body: { error: "Authentication credentials were not provided" } })),
    );
  });

  it("reads a token from the URL or a subprotocol only on the routes that declare themselves WebSocket routes", async () => {
    const token = await tokenFor(stranger);
    const answers = [];
    for (const route of callerRoutes()) {
      const response = await send(
        route,
        {},
        { upgrade: true, query: `?token=${token}`, headers: { "sec-websocket-protocol": `bearer, ${token}` } },
      );
      answers.push({ route: route.key, status: response.status });
    }
    // On the socket routes the stranger is authenticated, then refused as a stranger.
    expect(answers).toEqual(callerRoutes().map((route) => ({ route: route.key, status: rules[route.key]!.webSocket ? 404 : 401 })));
  });

  it("tells a stranger and another appointment's party nothing: 404 for an appointment, 403 for admins' routes, and none of its data", async () => {
    const answers = [];
    const expected = [];
    for (const route of callerRoutes()) {
      const rule = rules[route.key]!;
      for (const [who, as] of [
        ["stranger", stranger],
        ["other party", otherParty],
      ] as const) {
        const response = await send(route, { as });
        const text = await response.text();
        answers.push({ route: route.key, who, status: rule.serves === "own" ? "own" : response.status, leaked: leakedData(text) });
        expected.push({ route: route.key, who, status: { appointment: 404, admins: 403, own: "own" }[rule.serves], leaked: [] });
      }
    }
    expect(answers).toEqual(expected);
  });

  it("keeps admins out of rooms: 403 on every route that would let them in, by id or by room name", async () => {
    const entered = callerRoutes().filter((route) => typeof rules[route.key]!.admin === "number");
    expect(entered.length).toBeGreaterThan(10);
    const answers = [];
    for (const route of entered) {
      const response = await send(route, { as: admin });
      answers.push({ route: route.key, status: response.status, leaked: leakedData(await response.text()) });
    }
    expect(answers).toEqual(entered.map((route) => ({ route: route.key, status: rules[route.key]!.admin, leaked: [] })));
  });

  it("keeps a personal link's token to its own session's routes: 403 on any other appointment and any other route", async () => {
    outbound.use(
      http.post("https://video.twilio.stand-in/v1/Rooms", () =>
        HttpResponse.json({ sid: "RM0001", unique_name: fixtures.twilio.video_room_id, status: "in-progress" }, { status: 201 }),
      ),
    );
    const tokens = {
      elsewhere: await sessionTokenFor(elsewhere),
      twilio: await sessionTokenFor(fixtures.twilio),
      agora: await sessionTokenFor(fixtures.agora),
      webrtc: await sessionTokenFor(fixtures.webrtc),
    };
    const answers = [];
    const expected = [];
    for (const route of callerRoutes()) {
      const rule = rules[route.key]!;
      const outside = await send(route, { token: tokens.elsewhere });
      answers.push({ route: route.key, token: "another session's", status: outside.status, body: await outside.json() });
      expected.push({ route: route.key, token: "another session's", status: 403, body: { error: "Permission denied" } });
      // Its own session's token: through on the session's routes (a WebSocket route then asks for the upgrade), refused elsewhere.
      const own = await send(route, { token: tokens[rule.fixture ?? "twilio"] }, { upgrade: false });
      answers.push({ route: route.key, token: "its own session's", let: ![401, 403, 404].includes(own.status) });
      expected.push({ route: route.key, token: "its own session's", let: rule.session === true });
    }
    expect(answers).toEqual(expected);
  });

  it("asks for a caller on paths no route answers, before saying they do not exist", async () => {
    const token = await sessionTokenFor(fixtures.webrtc);
    const answers = [];
    for (const [method, path] of unknownPaths(fixtures.agora)) {
      for (const [who, caller] of [
        ["nobody", {}],
        ["a personal link", { token }],
        ["a party", { as: patient }],
      ] as const) {
        answers.push({ method, path, who, ...(await callJson(path, { method, ...caller })) });
      }
    }
    expect(answers).toEqual(
      unknownPaths(fixtures.agora).flatMap(([method, path]) => [
        { method, path, who: "nobody", status: 401, body: { error: "Authentication credentials were not provided" } },
        { method, path, who: "a personal link", status: 403, body: { error: "Permission denied" } },
        { method, path, who: "a party", status: 404, body: { error: "Not found" } },
      ]),
    );
  });
});
