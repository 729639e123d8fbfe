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
});
