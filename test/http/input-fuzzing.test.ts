import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import fc from "fast-check";
import { HttpResponse, http } from "msw";
import { beforeEach, describe, expect, it } from "vitest";
import { videoProviders } from "../../src/base/video-provider";
import { app } from "../../src/http/app";
import { origin, type TestUser, tokenFor } from "../support/api";
import { createAppointment, createUser } from "../support/fixtures";
import {
  bodyFor,
  breakableInputs,
  documentedOperations,
  fitsString,
  jsonJunk,
  type Known,
  knownStrings,
  type OpenApiDocument,
  type Operation,
  oddText,
  type Schema,
  valueFor,
} from "../support/openapi-arbitraries";
import { sentForm, useOutboundStandIn } from "../support/outbound";

/**
 * Every documented operation with inputs (path, query or JSON body), read from the app's OpenAPI
 * document (the one /openapi.json serves), so a new route is fuzzed without touching this file,
 * by callers it lets in. Whatever is sent, the answer is never a 5xx, and a 400 names fields of
 * that request in `details`; only a refusal about the record a well-formed path names (cancelled,
 * outside its join window, on another provider) may name none.
 */
const document = app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "fuzzing", version: "1" } }) as unknown as OpenApiDocument;
const operations = documentedOperations(document);
const withInputs = operations.filter((operation) => operation.pathParams.length || operation.queryParams.length || operation.body);
// Public posts without a documented input: the providers' webhooks, read only once their signature checks out.
const webhooks = operations.filter(
  (operation) => operation.public && operation.method === "POST" && !operation.pathParams.length && !operation.body,
);

const outbound = useOutboundStandIn();
// The one provider call an input can cause: creating a Twilio room, which Twilio answers with the room.
beforeEach(() => {
  outbound.use(
    http.post(`${env.TWILIO_VIDEO_BASE_URL}/v1/Rooms`, async ({ request }) =>
      HttpResponse.json(
        { sid: "RM0001", unique_name: (await sentForm(request)).get("UniqueName"), status: "in-progress" },
        { status: 201 },
      ),
    ),
  );
});

type World = { callers: (TestUser | undefined)[]; known: Known };

/** A psychologist and a patient with a session on each provider, open to join now, and an admin. */
async function aWorld(): Promise<World> {
  const [psychologist, patient, admin] = await Promise.all([createUser("psychologist"), createUser("patient"), createUser("admin")]);
  const sessions = await Promise.all(
    videoProviders.map((videoProvider) => createAppointment({ psychologist, patient, startsInMinutes: 5, videoProvider })),
  );
  return {
    callers: [undefined, patient, psychologist, admin],
    known: {
      ids: [...sessions.map((session) => session.id), psychologist.id, patient.id, admin.id],
      names: sessions.map((s) => s.video_room_id!),
    },
  };
}

type Query = [string, string][];
type Attempt = {
  caller: TestUser | undefined;
  params: Record<string, string>;
  query: Query;
  body: { text: string; contentType: string | undefined } | undefined;
};
type Answer = { status: number; body: { error?: string; details?: Record<string, string[]> } };

async function send(operation: Operation, attempt: Attempt): Promise<Answer> {
  const headers = new Headers();
  if (attempt.caller) headers.set("authorization", `Bearer ${await tokenFor(attempt.caller)}`);
  if (attempt.body?.contentType) headers.set("content-type", attempt.body.contentType);
  const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(attempt.params[name] ?? ""));
  const query = attempt.query.length ? `?${new URLSearchParams(attempt.query)}` : "";
  const request = new Request(`${origin}${path}${query}`, { method: operation.method, headers, body: attempt.body?.text });
  const response = await exports.default.fetch(request);
  const text = await response.text();
  return { status: response.status, body: text.startsWith("{") ? JSON.parse(text) : {} };
}

/** The known values (room names, ids) a path parameter's schema takes: paths naming real records. */
const recordsFor = (schema: Schema, known: Known) => knownStrings(known).filter(fitsString(schema));

/** One real record for each path parameter. */
function knownRecordParams(operation: Operation, { known }: World): Record<string, string> {
  return Object.fromEntries(operation.pathParams.map(({ name, schema }) => [name, recordsFor(schema, known)[0] ?? ""]));
}

/** Who the route lets through to its inputs: anyone it does not answer 401 or 403 about real records. */
async function callersReaching(operation: Operation, world: World): Promise<(TestUser | undefined)[]> {
  const reaching = [];
  for (const caller of world.callers) {
    const { status } = await send(operation, { caller, params: knownRecordParams(operation, world), query: [], body: undefined });
    if (status !== 401 && status !== 403) reaching.push(caller);
  }
  return reaching;
}

/** A value shaped by the schema, or an odd string. */
const parameterValue = (schema: Schema, known: Known) =>
  fc.oneof({ weight: 3, arbitrary: valueFor(schema, known).map(String) }, { weight: 1, arbitrary: oddText });

/** Mostly real records; "." and ".." are left out, since the URL resolves them to another route before any server sees them. */
function pathValue(schema: Schema, known: Known): fc.Arbitrary<string> {
  const records = recordsFor(schema, known);
  const values = records.length
    ? fc.oneof({ weight: 2, arbitrary: fc.constantFrom(...records) }, parameterValue(schema, known))
    : parameterValue(schema, known);
  return values.filter((value) => value !== "." && value !== "..");
}

/** Each documented parameter absent or present; with `odd`, some sent twice and now and then an undocumented one. */
function queryFor(operation: Operation, value: (schema: Schema) => fc.Arbitrary<string>, odd: boolean): fc.Arbitrary<Query> {
  const each = operation.queryParams.map(({ name, schema }) => {
    const once = value(schema).map((v): Query => [[name, v]]);
    const twice = fc.tuple(once, once).map(([a, b]) => [...a, ...b]);
    return fc.oneof({ weight: 1, arbitrary: fc.constant<Query>([]) }, { weight: 2, arbitrary: once }, ...(odd ? [twice] : []));
  });
  const undocumented = odd ? fc.array(fc.tuple(oddText, oddText), { maxLength: 1 }) : fc.constant<Query>([]);
  return fc.tuple(undocumented, ...each).map((lists) => lists.flat());
}

const json = (value: unknown) => ({ text: JSON.stringify(value), contentType: "application/json" });

/** JSON near the schema; sometimes text that is not JSON, or a body of another media type. */
function bodyTextFor(schema: Schema, known: Known): fc.Arbitrary<Attempt["body"]> {
  return fc.oneof(
    { weight: 8, arbitrary: bodyFor(schema, known).map(json) },
    {
      weight: 1,
      arbitrary: fc.constantFrom("", "{", '{"a":', "nul", "'x'", "[1,]").map((text) => ({ text, contentType: "application/json" })),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(undefined, "text/plain", "application/x-www-form-urlencoded")
        .map((contentType) => ({ text: "a=1", contentType })),
    },
  );
}

/**
 * Half the attempts shaped by the schemas on real records, to reach the handlers' own rules (and
 * their refusals); half anything: odd strings, parameters twice, bodies one step from the schema or not JSON.
 */
function attemptsAt(operation: Operation, { known }: World, callers: (TestUser | undefined)[]): fc.Arbitrary<Attempt> {
  const caller = fc.constantFrom(...callers);
  const params = (value: (schema: Schema) => fc.Arbitrary<string>) =>
    fc.record(Object.fromEntries(operation.pathParams.map(({ name, schema }) => [name, value(schema)])));
  const records = (schema: Schema) => {
    const fitting = recordsFor(schema, known);
    return fitting.length ? fc.constantFrom(...fitting) : valueFor(schema, known).map(String);
  };
  const shaped = fc.record({
    caller,
    params: params(records),
    query: queryFor(operation, (schema) => valueFor(schema, known).map(String), false),
    body: operation.body ? valueFor(operation.body, known).map(json) : fc.constant(undefined),
  });
  const anything = fc.record({
    caller,
    params: params((schema) => pathValue(schema, known)),
    query: queryFor(operation, (schema) => parameterValue(schema, known), true),
    body: operation.body ? bodyTextFor(operation.body, known) : fc.constant(undefined),
  });
  return fc.oneof(shaped, anything);
}

/** One input broken (`breakableInputs`), everything else near-valid on real records. */
function brokenAttemptsAt(operation: Operation, world: World, callers: (TestUser | undefined)[]) {
  const records = knownRecordParams(operation, world);
  const shapedBody = operation.body ? valueFor(operation.body, world.known) : fc.constant(undefined);
  const broken = fc.oneof(...breakableInputs(operation).map((input) => input.values.map((value) => ({ input, value }))));
  return fc.tuple(fc.constantFrom(...callers), broken, shapedBody).map(([caller, { input, value }, body]) => ({
    field: input.field,
    attempt: {
      caller,
      params: input.in === "path" ? { ...records, [input.field]: String(value) } : records,
      query: input.in === "query" ? [[input.field, String(value)]] : [],
      body: body === undefined ? undefined : json(input.in === "body" ? { ...(body as object), [input.field]: value } : body),
    } satisfies Attempt,
  }));
}

// Dozens of requests each: a loaded machine may need more than the default 5 s.
const fuzzing = { timeout: 30_000 };

const inputFields = (operation: Operation) =>
  new Set([
    "body",
    ...[...operation.pathParams, ...operation.queryParams].map(({ name }) => name),
    ...Object.keys(operation.body?.properties ?? {}),
  ]);

describe.each(withInputs.map((operation) => ({ operation, name: `${operation.method} ${operation.path}` })))("$name", ({ operation }) => {
  it("answers any input without a 5xx, and every 400 names fields of that input", fuzzing, async () => {
    const world = await aWorld();
    const callers = await callersReaching(operation, world);
    expect(callers.length).toBeGreaterThan(0);
    const fields = inputFields(operation);
    await fc.assert(
      fc.asyncProperty(attemptsAt(operation, world, callers), async (attempt) => {
        const answer = await send(operation, attempt);
        expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(500);
        if (answer.status !== 400) return;
        const named = Object.keys(answer.body.details ?? {});
        if (named.length === 0) {
          const namesRecord =
            operation.pathParams.length > 0 && operation.pathParams.every(({ name, schema }) => fitsString(schema)(attempt.params[name]!));
          expect(namesRecord, `a 400 without details: ${answer.body.error}`).toBe(true);
        }
        expect(named.filter((key) => !fields.has(key.split(".")[0]!))).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  const breakable = breakableInputs(operation).length > 0;
  it.runIf(breakable)("names the field given a value its schema cannot take", fuzzing, async () => {
    const world = await aWorld();
    const callers = await callersReaching(operation, world);
    await fc.assert(
      fc.asyncProperty(brokenAttemptsAt(operation, world, callers), async ({ attempt, field }) => {
        const answer = await send(operation, attempt);
        expect(answer.status, JSON.stringify(answer.body)).toBe(400);
        expect(Object.keys(answer.body.details ?? {})).toContain(field);
      }),
      { numRuns: 20 },
    );
  });
});

describe.each(webhooks.map((operation) => ({ operation, name: `${operation.method} ${operation.path}` })))("$name", ({ operation }) => {
  it("refuses unsigned junk with a 4xx, never a 5xx", fuzzing, async () => {
    const delivery = fc.record({
      contentType: fc.constantFrom(
        "application/x-www-form-urlencoded",
        "application/json",
        "text/plain",
        "multipart/form-data; boundary=x",
      ),
      // Any provider's signature header, holding anything but a signature.
      signature: fc.option(fc.tuple(fc.constantFrom("x-twilio-signature", "agora-signature-v2", "agora-signature"), fc.base64String()), {
        nil: undefined,
      }),
      body: fc.oneof(
        oddText,
        jsonJunk.map((value) => JSON.stringify(value)),
        fc.dictionary(oddText, oddText).map((form) => new URLSearchParams(form).toString()),
        fc.constant("x".repeat(65 * 1024)),
      ),
    });
    await fc.assert(
      fc.asyncProperty(delivery, async ({ contentType, signature, body }) => {
        const headers = new Headers({ "content-type": contentType, ...(signature && { [signature[0]]: signature[1] }) });
        const response = await exports.default.fetch(new Request(`${origin}${operation.path}`, { method: "POST", headers, body }));
        expect([400, 403, 413]).toContain(response.status);
        await response.body?.cancel();
      }),
      { numRuns: 25 },
    );
  });
});
