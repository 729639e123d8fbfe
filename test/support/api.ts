import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import jwt from "@tsndr/cloudflare-worker-jwt";
import type { Role } from "../../src/base/caller";
import worker from "../../src/index";

export const origin = "http://api.test";

export type TestUser = { id: number; email: string; role: Role; name?: string };

/** A caller's JWT as the platform issues it, signed with the test secret, valid for an hour. */
export function tokenFor(user: TestUser, overrides: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return jwt.sign(
    { sub: String(user.id), email: user.email, role: user.role, name: user.name, iat: now, exp: now + 3600, ...overrides },
    env.JWT_SECRET,
  );
}

type CallOptions = { method?: string; body?: unknown; as?: TestUser; token?: string; headers?: Record<string, string> };

let settingsOverrides: Partial<Env> | undefined;

/**
 * Runs `fn` with some settings changed, as if deployed with them: its calls reach the Worker with
 * an `env` of their own (the configuration is parsed once per `env`), and later calls do not.
 */
export function withSettings<T>(overrides: Partial<Record<keyof Env, string>>, fn: () => Promise<T>): Promise<T> {
  return withBindings(overrides as Partial<Env>, fn);
}

/** As `withSettings`, for bindings: the calls in `fn` reach the Worker with these instead (a recording D1, say). */
export async function withBindings<T>(overrides: Partial<Env>, fn: () => Promise<T>): Promise<T> {
  settingsOverrides = overrides;
  try {
    return await fn();
  } finally {
    settingsOverrides = undefined;
  }
}

/** Calls the Worker's own fetch handler, as the front ends do. */
export async function call(path: string, options: CallOptions = {}): Promise<Response> {
  const headers = new Headers(options.headers);
  const token = options.token ?? (options.as ? await tokenFor(options.as) : undefined);
  if (token) headers.set("authorization", `Bearer ${token}`);
  let body: string | undefined;
  if (options.body !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(options.body);
  }
  const request = new Request(`${origin}${path}`, { method: options.method ?? "GET", headers, body });
  if (!settingsOverrides) return exports.default.fetch(request);
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, { ...env, ...settingsOverrides }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** Calls and parses the JSON body, keeping the status for assertions. */
export async function callJson<T = any>(path: string, options: CallOptions = {}): Promise<{ status: number; body: T }> {
  const response = await call(path, options);
  return { status: response.status, body: (await response.json()) as T };
}
