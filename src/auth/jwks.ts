type JsonWebKeyWithKid = JsonWebKey & { kid: string };

const cacheTtlMs = 10 * 60 * 1000;
// Anyone can send a token with a made-up `kid`; refetching for each would let them make every
// request a round trip to the identity provider.
const unknownKidRefetchMs = 60 * 1000;
const cache = new Map<string, { keys: JsonWebKeyWithKid[]; fetchedAt: number }>();

/**
 * The identity provider's signing keys, cached per isolate so a request costs no round trip.
 * An unknown `kid` refetches, at most once a minute: providers rotate keys and publish the new
 * one first.
 */
export async function findJwksKey(url: string, kid: string | undefined, now = Date.now()): Promise<JsonWebKeyWithKid | undefined> {
  const cached = cache.get(url);
  const fresh = cached && now - cached.fetchedAt < cacheTtlMs ? cached.keys : undefined;
  const match = (keys: JsonWebKeyWithKid[]) => keys.find((key) => kid === undefined || key.kid === kid);
  const hit = fresh && match(fresh);
  if (hit) return hit;
  if (cached && now - cached.fetchedAt < unknownKidRefetchMs) return undefined;
  const keys = await fetchJwks(url);
  cache.set(url, { keys, fetchedAt: now });
  return match(keys);
}

async function fetchJwks(url: string): Promise<JsonWebKeyWithKid[]> {
  const response = await fetch(url, { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`JWKS endpoint answered ${response.status}`);
  const body = (await response.json()) as { keys?: JsonWebKeyWithKid[] };
  return Array.isArray(body.keys) ? body.keys : [];
}
