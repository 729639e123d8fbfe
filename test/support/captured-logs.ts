import { afterEach, beforeEach, vi } from "vitest";

/**
 * Every console line written during each test, as text, instead of on the terminal. The Worker's
 * routes, its Durable Objects and the queue and cron handlers all run in the test's isolate, so
 * this one console is theirs too. Call once per test file.
 */
export function useCapturedLogs(): { lines: string[] } {
  const captured = { lines: [] as string[] };
  beforeEach(() => {
    captured.lines = [];
    for (const method of ["log", "info", "warn", "error", "debug", "trace"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        captured.lines.push(args.map(asText).join(" "));
      });
    }
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  return captured;
}

/** A logged argument as a log would show it: strings as they are, errors with message and stack, the rest as JSON. */
function asText(arg: unknown): string {
  if (typeof arg === "string") return arg;
  if (arg instanceof Error) return `${arg.name}: ${arg.message}\n${arg.stack ?? ""}`;
  try {
    return JSON.stringify(arg) ?? String(arg);
  } catch {
    return String(arg);
  }
}

/** The `event` of each structured line (our logs are JSON objects), or the line itself. */
export function loggedEvents(lines: readonly string[]): string[] {
  return lines.map((line) => {
    try {
      return JSON.parse(line).event ?? line;
    } catch {
      return line;
    }
  });
}

/** Values no log line may hold, each with what it is, for a readable failure. */
export type Secrets = Array<readonly [label: string, value: string]>;

/** Shapes that are personal or secret whatever their value. */
const shapes: ReadonlyArray<readonly [string, RegExp]> = [
  ["an email address", /[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/i],
  ["an email address, URL-encoded", /[\w.%+-]+%40[\w-]+\.[a-z]{2,}/i],
  ["an E.164 phone number", /\+[1-9]\d{6,14}/],
  ["a JWT", /eyJ/],
  ["an Agora token", /\b007[\w+/=]{16,}/],
];

/**
 * Each "<what> in <line>" where a line holds one of `secrets` or has the shape of an email
 * address, a phone number, a JWT or an Agora token; empty when the lines are clean.
 */
export function leaksIn(lines: readonly string[], secrets: Secrets): string[] {
  const found = new Set<string>();
  for (const line of lines) {
    for (const [label, value] of secrets) if (value && line.includes(value)) found.add(`${label} in ${line}`);
    for (const [label, pattern] of shapes) if (pattern.test(line)) found.add(`${label} in ${line}`);
  }
  return [...found];
}

/**
 * A bearer token, and every 24-character run of it: a log line may hold a cut-off piece, and any
 * piece of 32 characters or more contains one of these runs.
 */
export function bearer(label: string, token: string): Secrets {
  const runs: Secrets = [[label, token]];
  for (let at = 0; at + 24 <= token.length; at += 8) runs.push([`part of ${label}`, token.slice(at, at + 24)]);
  return runs;
}

/** A personal link key: ids and times in the clear, then the signature that makes it work. */
export function linkKey(key: string): Secrets {
  return [
    ["a personal link key", key],
    ["a personal link key's signature", key.split(".").at(-1)!],
  ];
}

/** A person's name (and each part of it), email (and its local part, as URL-encoding would keep it) and phone number (with and without the +). */
export function personalData({ name, email, phone }: { name: string; email: string; phone: string | null }): Secrets {
  return [
    ["a name", name],
    ...name.split(" ").map((part) => ["part of a name", part] as const),
    ["an email", email],
    ["an email's local part", email.split("@")[0]!],
    ...(phone
      ? ([
          ["a phone number", phone],
          ["a phone number's digits", phone.replace(/^\+/, "")],
        ] as const)
      : []),
  ];
}
