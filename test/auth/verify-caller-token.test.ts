import jwt from "@tsndr/cloudflare-worker-jwt";
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { verifyCallerToken } from "../../src/auth/verify-caller-token";
import { useOutboundStandIn } from "../support/outbound";

const secret = "unit-secret";
const claims = () => ({
  sub: "9",
  email: "nine@example.com",
  role: "psychologist",
  name: "Dr Nine",
  exp: Math.floor(Date.now() / 1000) + 600,
});

const outbound = useOutboundStandIn();

async function identityProviderKey(algorithm: "RS256" | "ES256", kid: string) {
  const params =
    algorithm === "RS256"
      ? { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }
      : { name: "ECDSA", namedCurve: "P-256" };
  const pair = (await crypto.subtle.generateKey(params, true, ["sign", "verify"])) as CryptoKeyPair;
  const privateJwk = { ...((await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey), kid };
  const publicJwk = { ...((await crypto.subtle.exportKey("jwk", pair.publicKey)) as JsonWebKey), kid, alg: algorithm };
  return { privateJwk, publicJwk };
}

describe("verifyCallerToken", () => {
  it("returns the caller from valid claims", async () => {
    const valid = claims();
    const token = await jwt.sign(valid, secret);
    expect(await verifyCallerToken(token, { secret })).toEqual({
      id: 9,
      email: "nine@example.com",
      role: "psychologist",
      name: "Dr Nine",
      expiresAt: valid.exp,
    });
  });

  it("checks issuer and audience only when configured", async () => {
    const token = await jwt.sign({ ...claims(), iss: "https://idp.example", aud: ["video", "billing"] }, secret);
    await expect(verifyCallerToken(token, { secret, issuer: "https://idp.example", audience: "video" })).resolves.toMatchObject({ id: 9 });
    await expect(verifyCallerToken(token, { secret, issuer: "https://other.example" })).rejects.toMatchObject({
      status: 401,
      message: "Invalid token: wrong issuer",
    });
    await expect(verifyCallerToken(token, { secret, audience: "chat" })).rejects.toMatchObject({
      status: 401,
      message: "Invalid token: wrong audience",
    });
  });

  it("rejects a token that is not valid yet", async () => {
    const token = await jwt.sign({ ...claims(), nbf: Math.floor(Date.now() / 1000) + 300 }, secret);
    await expect(verifyCallerToken(token, { secret })).rejects.toMatchObject({ status: 401, message: "Token is not yet valid" });
  });

  it.each(["RS256", "ES256"] as const)("accepts %s tokens from the identity provider's JWKS, fetched once", async (algorithm) => {
    const kid = `key-${algorithm}`;
    const { privateJwk, publicJwk } = await identityProviderKey(algorithm, kid);
    const jwksUrl = `https://idp.stand-in/${algorithm}/jwks.json`;
    let fetches = 0;
    outbound.use(
      http.get(jwksUrl, () => {
        fetches++;
        return HttpResponse.json({ keys: [publicJwk] });
      }),
    );
    const token = await jwt.sign(claims(), privateJwk, { algorithm, header: { kid } });

    await expect(verifyCallerToken(token, { secret, jwksUrl })).resolves.toMatchObject({ id: 9, role: "psychologist" });
    await expect(verifyCallerToken(token, { secret, jwksUrl })).resolves.toMatchObject({ id: 9 });
    expect(fetches).toBe(1);
  });

  it("rejects asymmetric tokens when no JWKS is configured, and unknown key ids", async () => {
    const { privateJwk, publicJwk } = await identityProviderKey("RS256", "known");
    const jwksUrl = "https://idp.stand-in/rotating/jwks.json";
    outbound.use(http.get(jwksUrl, () => HttpResponse.json({ keys: [publicJwk] })));
    const token = await jwt.sign(claims(), privateJwk, { algorithm: "RS256", header: { kid: "unknown" } });
    await expect(verifyCallerToken(token, { secret })).rejects.toMatchObject({ message: "Invalid token: unsupported algorithm" });
    await expect(verifyCallerToken(token, { secret, jwksUrl })).rejects.toMatchObject({ message: "Invalid token: unknown signing key" });
  });

  it("refuses a token meant to live longer than JWT_MAX_AGE_SECONDS, and one issued in the future", async () => {
    const now = Math.floor(Date.now() / 1000);
    const century = await jwt.sign({ ...claims(), iat: now, exp: now + 100 * 365 * 86400 }, secret);
    await expect(verifyCallerToken(century, { secret })).rejects.toMatchObject({
      status: 401,
      message: "Invalid token: lives longer than allowed",
    });
    const noIat = await jwt.sign({ ...claims(), exp: now + 2 * 86400 }, secret);
    await expect(verifyCallerToken(noIat, { secret })).rejects.toMatchObject({ message: "Invalid token: lives longer than allowed" });
    const day = await jwt.sign({ ...claims(), iat: now, exp: now + 86400 }, secret);
    await expect(verifyCallerToken(day, { secret })).resolves.toMatchObject({ id: 9 });
    await expect(verifyCallerToken(day, { secret, maxAgeSeconds: 3600 })).rejects.toMatchObject({ status: 401 });
    const future = await jwt.sign({ ...claims(), iat: now + 3600 }, secret);
    await expect(verifyCallerToken(future, { secret })).rejects.toMatchObject({
      status: 401,
      message: "Invalid token: issued in the future",
    });
    const skewed = await jwt.sign({ ...claims(), iat: now + 30 }, secret);
    await expect(verifyCallerToken(skewed, { secret })).resolves.toMatchObject({ id: 9 });
  });
});
