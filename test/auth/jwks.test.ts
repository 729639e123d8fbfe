import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { findJwksKey } from "../../src/auth/jwks";
import { useOutboundStandIn } from "../support/outbound";

const outbound = useOutboundStandIn();

/** An identity provider whose published key set the test changes, as a real rotation does. */
function identityProvider(url: string, kids: string[]) {
  const provider = { published: kids, fetches: 0 };
  outbound.use(
    http.get(url, () => {
      provider.fetches++;
      return HttpResponse.json({ keys: provider.published.map((kid) => ({ kty: "EC", kid })) });
    }),
  );
  return provider;
}

describe("findJwksKey", () => {
  it("refetches for an unknown kid at most once a minute, so forged kids cannot make every request a round trip", async () => {
    const url = "https://idp.stand-in/throttle/jwks.json";
    const idp = identityProvider(url, ["current"]);
    const t0 = 1_800_000_000_000;

    expect(await findJwksKey(url, "current", t0)).toMatchObject({ kid: "current" });
    for (let i = 0; i < 5; i++) expect(await findJwksKey(url, `forged-${i}`, t0 + 1000 + i)).toBeUndefined();
    expect(idp.fetches).toBe(1);
  });

  it("finds a key the provider rotated in, once the minute since the last fetch has passed", async () => {
    const url = "https://idp.stand-in/rotation/jwks.json";
    const idp = identityProvider(url, ["2026-11"]);
    const t0 = 1_800_000_000_000;
    expect(await findJwksKey(url, "2026-11", t0)).toMatchObject({ kid: "2026-11" });

    // The provider publishes the next key and starts signing with it.
    idp.published = ["2026-11", "2026-12"];
    expect(await findJwksKey(url, "2026-12", t0 + 30_000)).toBeUndefined();
    expect(idp.fetches).toBe(1);
    expect(await findJwksKey(url, "2026-12", t0 + 61_000)).toMatchObject({ kid: "2026-12" });
    expect(idp.fetches).toBe(2);

    // The old key, retired, is no longer accepted once the cache is refreshed past its lifetime.
    idp.published = ["2026-12"];
    expect(await findJwksKey(url, "2026-11", t0 + 61_000 + 10 * 60_000)).toBeUndefined();
    expect(await findJwksKey(url, "2026-12", t0 + 61_000 + 10 * 60_000)).toMatchObject({ kid: "2026-12" });
    expect(idp.fetches).toBe(3);
  });

  it("JWKS outage amplification: while the provider fails, tokens with random kids cost one fetch per 30 seconds and a 503, never a 500", async () => {
    const url = "https://idp.stand-in/outage/jwks.json";
    let fetches = 0;
    outbound.use(
      http.get(url, () => {
        fetches++;
        return new HttpResponse(null, { status: 503 });
      }),
    );
    const t0 = 1_800_000_000_000;
    const attempts = Array.from({ length: 20 }, (_, i) => findJwksKey(url, `random-${i}`, t0 + i).catch((error: unknown) => error));
    for (const outcome of await Promise.all(attempts)) {
      expect(outcome).toMatchObject({ status: 503, extra: { headers: { "Retry-After": "30" } } });
    }
    expect(fetches).toBe(1);
    await expect(findJwksKey(url, "random", t0 + 29_000)).rejects.toMatchObject({ status: 503 });
    expect(fetches).toBe(1);
    await expect(findJwksKey(url, "random", t0 + 31_000)).rejects.toMatchObject({ status: 503 });
    expect(fetches).toBe(2);
  });

  it("keeps verifying with the last keys it read while the provider is down", async () => {
    const url = "https://idp.stand-in/stale/jwks.json";
    const idp = identityProvider(url, ["current"]);
    const t0 = 1_800_000_000_000;
    expect(await findJwksKey(url, "current", t0)).toMatchObject({ kid: "current" });
    outbound.use(http.get(url, () => new HttpResponse(null, { status: 500 })));
    expect(await findJwksKey(url, "current", t0 + 11 * 60_000)).toMatchObject({ kid: "current" });
    expect(await findJwksKey(url, "unknown", t0 + 11 * 60_000 + 1000)).toBeUndefined();
    expect(idp.fetches).toBe(1);
  });
});
