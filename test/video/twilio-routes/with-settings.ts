import { env } from "cloudflare:test";

/**
 * Runs `fn` with some settings changed, as if deployed without them, then puts them back.
 * The Worker under test reads this same `env` object.
 */
export async function withSettings<T>(overrides: Partial<Record<keyof Env, string>>, fn: () => Promise<T>): Promise<T> {
  const settings = env as unknown as Record<string, unknown>;
  const saved = Object.fromEntries(Object.keys(overrides).map((name) => [name, settings[name]]));
  Object.assign(settings, overrides);
  try {
    return await fn();
  } finally {
    Object.assign(settings, saved);
  }
}
