import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../base/app-env";
import { tooManyRequests } from "../base/errors";

/**
 * Workers Rate Limiting bindings (wrangler.toml `[[ratelimits]]`, where their limits are set):
 * per user on the routes that mint credentials or open sockets, per client IP on webhooks and on
 * requests without valid credentials. The counters are per Cloudflare location and approximate,
 * which is what a flood guard needs.
 */
export type RateLimitName = "USER_RATE_LIMIT" | "WEBHOOK_RATE_LIMIT" | "ANONYMOUS_RATE_LIMIT";

/** Every limit counts over 60 seconds, so a refused caller may try again within a minute. */
const PERIOD_SECONDS = 60;

/** A 429 with `Retry-After` once `key` has used up its share of `name`. */
export async function enforceLimit(c: Context<AppEnv>, name: RateLimitName, key: string): Promise<void> {
  const { success } = await c.env[name].limit({ key });
  if (!success) {
    console.log(JSON.stringify({ event: "rate_limited", limit: name }));
    throw tooManyRequests(PERIOD_SECONDS);
  }
}

/**
 * The client's IP as Cloudflare's edge reports it. Requests that did not come through the edge
 * (the test harness calling the handler directly) carry none and are not IP-limited.
 */
function clientIp(c: Context<AppEnv>): string | undefined {
  return c.req.header("cf-connecting-ip") ?? undefined;
}

/** Counts the request against its client IP's share of `name`, when it came through the edge. */
export async function enforceIpLimit(c: Context<AppEnv>, name: RateLimitName): Promise<void> {
  const ip = clientIp(c);
  if (ip) await enforceLimit(c, name, ip);
}

/** Counts each request from one IP against `name`, before anything else is done for it. */
export function limitPerIp(name: RateLimitName) {
  return createMiddleware<AppEnv>(async function limitPerIp(c, next) {
    await enforceIpLimit(c, name);
    await next();
  });
}
