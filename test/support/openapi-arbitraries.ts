import fc from "fast-check";

/** The parts of JSON Schema that our zod schemas write into the OpenAPI document. */
export type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  example?: unknown;
};

type Parameter = { name: string; in: string; schema: Schema };
type DocumentedOperation = {
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema: Schema }> };
};
export type OpenApiDocument = {
  paths: Record<string, Record<string, DocumentedOperation>>;
  components: { schemas: Record<string, Schema> };
};

/** One documented operation with its inputs, `$ref`s resolved. */
export type Operation = {
  method: string;
  path: string;
  pathParams: Parameter[];
  queryParams: Parameter[];
  body?: Schema;
  /** No bearer token: a webhook (signed) or a join link's redemption (its key). */
  public: boolean;
};

/** Every operation of the document, as the fuzzing sends to it. */
export function documentedOperations(document: OpenApiDocument): Operation[] {
  const resolve = (schema: Schema | undefined): Schema | undefined =>
    schema?.$ref ? resolve(document.components.schemas[schema.$ref.replace("#/components/schemas/", "")]) : schema;
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const parameters = (operation.parameters ?? []).map((parameter) => ({ ...parameter, schema: resolve(parameter.schema)! }));
      const body = resolve(operation.requestBody?.content?.["application/json"]?.schema);
      const properties = body?.properties && Object.fromEntries(Object.entries(body.properties).map(([name, s]) => [name, resolve(s)!]));
      return {
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((parameter) => parameter.in === "path"),
        queryParams: parameters.filter((parameter) => parameter.in === "query"),
        body: body && { ...body, properties },
        public: !operation.security,
      };
    }),
  );
}

/** Values the database knows (ids of users and appointments, room names): near-valid inputs reach past "not found". */
export type Known = { ids: number[]; names: string[] };

/** Strings that have broken parsers before; all of them can travel in a URL. */
export const oddText = fc.oneof(
  fc.constantFrom(
    ...["", " ", "0", "-1", "1.5", "1e3", "0x1F", "NaN", "Infinity", "null", "true", "[]", "{}", "..", "%", "%25", "\u0000", "\uFEFF"],
    ...["\u202E", "💥", "e\u0301", "' OR '1'='1", "<script>", "9".repeat(30), "a".repeat(300), "__proto__", "toString", "1\n2"],
  ),
  fc.string({ unit: "grapheme", maxLength: 40 }),
);

// Keys that name Object.prototype's members: a coercion may call them.
const oddKey = fc.oneof(fc.constantFrom("__proto__", "constructor", "toString", "valueOf", ""), fc.string({ maxLength: 8 }));
const oddNumber = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(2 ** 53, 2 ** 53 + 2, 1e21, 1e308, -1e308, Number.MIN_VALUE, -0));

/** Any JSON value, nested junk included; strings may hold lone surrogates, which JSON escapes. */
export const jsonJunk: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.constantFrom(null, true, false, "\uD800", "x\uDFFF"),
    oddNumber,
    oddText,
    fc.string({ unit: "binary", maxLength: 20 }),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(oddKey, tie("value"), { maxKeys: 3 }),
  ),
})).value;

/** A value that no scalar field accepts, even one that coerces: an object, or an array of two or more. */
const notAScalar = fc.oneof(fc.dictionary(oddKey, jsonJunk, { maxKeys: 2 }), fc.array(jsonJunk, { minLength: 2, maxLength: 3 }));

const hour = 3_600_000;
// Mostly in the next days (where the fixtures and their clashes are), some far off, some past, some before 1970.
const instants = fc
  .oneof(
    { weight: 3, arbitrary: fc.integer({ min: -hour, max: 48 * hour }) },
    { weight: 1, arbitrary: fc.integer({ min: -9600 * hour, max: 9600 * hour }) },
    { weight: 1, arbitrary: fc.integer({ min: -60 * 8766 * hour, max: 0 }) },
  )
  .map((offset) => new Date(Date.now() + offset));
// Days around now, some before 1970.
const days = fc
  .oneof(fc.integer({ min: -400, max: 400 }), fc.integer({ min: -60 * 366, max: 0 }))
  .map((offset) => new Date(Date.now() + offset * 24 * hour));
const offsets = fc.constantFrom("Z", "+00:00", "+01:00", "-05:30", "+14:00");

/** Values shaped by `schema`, drawing on known records: mostly valid, sometimes just past a bound. */
export function valueFor(schema: Schema, known: Known): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const types = schema.type === undefined ? [] : [schema.type].flat();
  if (types.length === 0) return jsonJunk;
  return fc.oneof(...types.map((type) => valueOfType(type, schema, known)));
}

function valueOfType(type: string, schema: Schema, known: Known): fc.Arbitrary<unknown> {
  switch (type) {
    case "null":
      return fc.constant(null);
    case "boolean":
      return fc.boolean();
    case "integer":
    case "number": {
      const min = schema.minimum ?? (schema.exclusiveMinimum === undefined ? -1e6 : schema.exclusiveMinimum + 1);
      const around = fc.integer({ min: min - 1, max: (schema.maximum ?? 1e6) + 1 });
      // Unbounded integers are ids: known ones reach real records.
      return schema.maximum === undefined
        ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known.ids) }, { weight: 1, arbitrary: around })
        : around;
    }
    case "string":
      return stringFor(schema, known);
    case "object":
      return fc.record(Object.fromEntries(Object.entries(schema.properties ?? {}).map(([name, s]) => [name, valueFor(s, known)])), {
        requiredKeys: schema.required ?? [],
      });
    case "array":
      return fc.array(valueFor(schema.items ?? {}, known), { maxLength: 3 });
    default:
      return jsonJunk;
  }
}

function stringFor(schema: Schema, known: Known): fc.Arbitrary<string> {
  if (schema.format === "date-time")
    return fc.tuple(instants, offsets).map(([instant, offset]) => instant.toISOString().replace("Z", offset));
  if (schema.format === "email") return fc.oneof(fc.emailAddress(), fc.stringMatching(/^[a-z]{1,8}@example\.com$/));
  const fits = fitsString(schema);
  const shaped = schema.pattern
    ? fc.stringMatching(new RegExp(schema.pattern))
    : fc.string({ unit: "grapheme", minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 300) });
  const choices = [shaped];
  if (typeof schema.example === "string") choices.push(fc.constant(schema.example));
  // Calendar shapes (a year, a month, a day) cut from real days, where the pattern takes them.
  const calendarLengths = [4, 7, 10].filter((length) => fits(new Date().toISOString().slice(0, length)));
  if (calendarLengths.length) {
    const calendar = fc.tuple(days, fc.constantFrom(...calendarLengths)).map(([date, length]) => date.toISOString().slice(0, length));
    choices.push(calendar, calendar);
  }
  const knownFits = knownStrings(known).filter(fits);
  if (knownFits.length) choices.push(fc.constantFrom(...knownFits));
  return fc.oneof(...choices);
}

export function knownStrings(known: Known): string[] {
  return [...known.names, ...known.ids.map(String)];
}

/** Whether a string meets the schema's pattern, enum and length. */
export function fitsString(schema: Schema): (text: string) => boolean {
  const pattern = schema.pattern ? new RegExp(schema.pattern) : undefined;
  return (text) =>
    (!pattern || pattern.test(text)) &&
    (!schema.enum || schema.enum.includes(text)) &&
    text.length >= (schema.minLength ?? 0) &&
    text.length <= (schema.maxLength ?? Number.POSITIVE_INFINITY);
}

/** An input that values of the wrong kind break for sure, and such values. */
export type Breakable = { field: string; in: string; values: fc.Arbitrary<unknown> };

/**
 * The operation's inputs that can be broken whatever the rest of the request: a parameter out of
 * its pattern, enum or length, a body field given an object or a list where a scalar belongs.
 */
export function breakableInputs(operation: Operation): Breakable[] {
  const parameters = [...operation.pathParams, ...operation.queryParams].flatMap(({ name, in: where, schema }) => {
    const values = brokenString(schema);
    return values ? [{ field: name, in: where, values }] : [];
  });
  const scalars = Object.entries(operation.body?.properties ?? {}).filter(([, schema]) =>
    [schema.type ?? "object"].flat().every((type) => type !== "object" && type !== "array"),
  );
  return [...parameters, ...scalars.map(([name]) => ({ field: name, in: "body", values: notAScalar }))];
}

/** A string the schema cannot accept (a parameter's value), or undefined when it accepts any string. */
function brokenString(schema: Schema): fc.Arbitrary<string> | undefined {
  // No pattern or enum value of ours starts with a snowman, and no number does.
  if (schema.pattern || schema.enum || schema.type === "integer" || schema.type === "number") return oddText.map((text) => `☃${text}`);
  if (schema.maxLength !== undefined) {
    return fc.string({ unit: "grapheme-ascii", minLength: schema.maxLength + 1, maxLength: schema.maxLength + 20 });
  }
  return undefined;
}

/** A JSON body shaped by `schema`, or one step from it: a field of the wrong type, a field missing, fields unknown, or not an object. */
export function bodyFor(schema: Schema, known: Known): fc.Arbitrary<unknown> {
  const shaped = valueFor(schema, known) as fc.Arbitrary<Record<string, unknown>>;
  const fields = Object.keys(schema.properties ?? {});
  if (fields.length === 0) return fc.oneof(shaped, jsonJunk);
  const field = fc.constantFrom(...fields);
  return fc.oneof(
    { weight: 4, arbitrary: shaped },
    { weight: 3, arbitrary: fc.tuple(shaped, field, jsonJunk).map(([body, name, value]) => ({ ...body, [name]: value })) },
    {
      weight: 1,
      arbitrary: fc.tuple(shaped, field).map(([body, name]) => Object.fromEntries(Object.entries(body).filter(([key]) => key !== name))),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(shaped, fc.dictionary(oddKey, jsonJunk, { minKeys: 1, maxKeys: 2 })).map(([b, extra]) => ({ ...b, ...extra })),
    },
    { weight: 1, arbitrary: jsonJunk },
  );
}
