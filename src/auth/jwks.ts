import { ApiError } from "../base/errors";

type JsonWebKeyWithKid = JsonWebKey & { kid: string };

const cacheTtlMs = 10 * 60 * 1000;
// Anyone can send a token with a made-up `kid`; refetching for each would let them make every
// request a round trip to the identity provider.
const unknownKidRefetchMs = 60 * 1000;
const cache = new Map<string, { keys: JsonWebKeyWithKid[]; fetchedAt: number }>();
// While the identity provider is down, every token would otherwise cost one more failing fetch:
// a failure is remembered this long, and one fetch at a time goes out per URL.
const failureBackoffMs = 30 * 1000;
const failedAt = new Map<string, number>();
const inFlight = new Map<string, Promise<JsonWebKeyWithKid[]>>();

/**
 * The identity provider's signing keys, cached per isolate so a request costs no round trip.
 * An unknown `kid` refetches, at most once a minute: providers rotate keys and publish the new
 * one first. When the provider cannot be read, the last keys serve on; without any, a 503 (with
 * `Retry-After`) for the next 30 seconds, without asking again.
 */
export async function findJwksKey(url: string, kid: string | undefined, now = Date.now()): Promise<JsonWebKeyWithKid | undefined> {
  const cached = cache.get(url);
  const fresh = cached && now - cached.fetchedAt < cacheTtlMs ? cached.keys : undefined;
  const match = (keys: JsonWebKeyWithKid[]) => keys.find((key) => kid === undefined || key.kid === kid);
  const hit = fresh && match(fresh);
  if (hit) return hit;
  if (cached && now - cached.fetchedAt < unknownKidRefetchMs) return undefined;
  const lastFailure = failedAt.get(url);
  if (lastFailure !== undefined && now - lastFailure < failureBackoffMs) return staleOrUnavailable(cached?.keys, match);
  let keys: JsonWebKeyWithKid[];
  try {
    keys = await fetchOnce(url);
  } catch {
    failedAt.set(url, now);
    console.error(JSON.stringify({ event: "jwks_unavailable" }));
    return staleOrUnavailable(cached?.keys, match);
  }
  failedAt.delete(url);
  cache.set(url, { keys, fetchedAt: now });
  return match(keys);
}

function staleOrUnavailable(
  keys: JsonWebKeyWithKid[] | undefined,
  match: (keys: JsonWebKeyWithKid[]) => JsonWebKeyWithKid | undefined,
): JsonWebKeyWithKid | undefined {
  if (keys) return match(keys);
  throw new ApiError(503, "The identity provider's signing keys cannot be read right now; try again shortly", undefined, {
    headers: { "Retry-After": String(failureBackoffMs / 1000) },
  });
}

/** Concurrent requests share one fetch. */
function fetchOnce(url: string): Promise<JsonWebKeyWithKid[]> {
  let pending = inFlight.get(url);
  if (!pending) {
    pending = fetchJwks(url).finally(() => inFlight.delete(url));
    inFlight.set(url, pending);
  }
  return pending;
}

async function fetchJwks(url: string): Promise<JsonWebKeyWithKid[]> {
  const response = await fetch(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`JWKS endpoint answered ${response.status}`);
  const body = (await response.json()) as { keys?: JsonWebKeyWithKid[] };
  return Array.isArray(body.keys) ? body.keys : [];
}
