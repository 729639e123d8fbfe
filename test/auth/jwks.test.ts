import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { findJwksKey } from "../../src/auth/jwks";
import { useOutboundStandIn } from "../support/outbound";

const outbound = useOutboundStandIn();

describe("findJwksKey", () => {
  it("refetches for an unknown kid at most once a minute, so forged kids cannot make every request a round trip", async () => {
    const url = "https://idp.stand-in/throttle/jwks.json";
    let fetches = 0;
    outbound.use(
      http.get(url, () => {
        fetches++;
        return HttpResponse.json({ keys: [{ kty: "EC", kid: "current" }] });
      }),
    );
    const t0 = 1_800_000_000_000;

    expect(await findJwksKey(url, "current", t0)).toMatchObject({ kid: "current" });
    for (let i = 0; i < 5; i++) expect(await findJwksKey(url, `forged-${i}`, t0 + 1000 + i)).toBeUndefined();
    expect(fetches).toBe(1);

    // A key published since (rotation) is still found once the minute has passed.
    expect(await findJwksKey(url, "forged-after", t0 + 61_000)).toBeUndefined();
    expect(fetches).toBe(2);
  });
});
