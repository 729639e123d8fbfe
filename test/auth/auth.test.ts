import { env } from "cloudflare:test";
import jwt from "@tsndr/cloudflare-worker-jwt";
import { describe, expect, it } from "vitest";
import { call, callJson, tokenFor } from "../support/api";
import { createUser } from "../support/fixtures";

const toBase64Url = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

describe("authentication on /api routes", () => {
  const patient = { id: 77, email: "p77@example.com", role: "patient" as const };

  it.each([
    ["no Authorization header", undefined, "Authentication credentials were not provided"],
    ["a non-Bearer scheme", "Basic dXNlcjpwYXNz", "Authentication credentials were not provided"],
    ["a token that is not a JWT", "Bearer not-a-jwt", "Invalid token: malformed"],
    ["a token with a garbage header", "Bearer e30x.e30.sig", "Invalid token: malformed"],
  ])("rejects %s with 401", async (_, authorization, message) => {
    const headers: Record<string, string> = authorization ? { authorization } : {};
    const { status, body } = await callJson("/api/users/me", { headers });
    expect(status).toBe(401);
    expect(body).toEqual({ error: message });
  });

  it("rejects an expired token", async () => {
    const token = await tokenFor(patient, { exp: Math.floor(Date.now() / 1000) - 10 });
    expect(await callJson("/api/users/me", { token })).toEqual({ status: 401, body: { error: "Token has expired" } });
  });

  it.each([
    ["exp 0, the epoch", 0],
    ["exp long past", 1],
  ])("rejects a token with %s (a falsy exp must not mean 'never expires')", async (_, exp) => {
    const token = await tokenFor(patient, { exp });
    expect(await callJson("/api/users/me", { token })).toEqual({ status: 401, body: { error: "Token has expired" } });
  });

  it("rejects a token signed with another secret", async () => {
    const token = await jwt.sign({ sub: "77", email: patient.email, role: "patient", exp: inAnHour() }, "some-other-secret");
    expect(await callJson("/api/users/me", { token })).toEqual({ status: 401, body: { error: "Invalid token: bad signature" } });
  });

  it("rejects alg none even with valid claims", async () => {
    const token = `${toBase64Url({ alg: "none", typ: "JWT" })}.${toBase64Url({ sub: "77", email: patient.email, role: "patient", exp: inAnHour() })}.`;
    expect(await callJson("/api/users/me", { token })).toEqual({ status: 401, body: { error: "Invalid token: unsupported algorithm" } });
  });

  it("rejects an HS256 token whose header was switched to RS256 (algorithm confusion)", async () => {
    const good = await tokenFor(patient);
    const [, payload, signature] = good.split(".");
    const token = `${toBase64Url({ alg: "RS256", typ: "JWT" })}.${payload}.${signature}`;
    expect((await callJson("/api/users/me", { token })).status).toBe(401);
  });

  it.each([
    ["no exp", { exp: undefined }, "Invalid token: missing exp"],
    ["a non-numeric sub", { sub: "abc" }, "Invalid token: missing or invalid claims"],
    ["a zero sub", { sub: "0" }, "Invalid token: missing or invalid claims"],
    ["an unknown role", { role: "nurse" }, "Invalid token: missing or invalid claims"],
    ["no email", { email: undefined }, "Invalid token: missing or invalid claims"],
  ])("rejects a token with %s", async (_, overrides, message) => {
    const claims = { sub: "77", email: patient.email, role: "patient", exp: inAnHour(), ...overrides };
    const token = await jwt.sign(claims, env.JWT_SECRET);
    expect(await callJson("/api/users/me", { token })).toEqual({ status: 401, body: { error: message } });
  });

  it("accepts sub as a number as well as a string", async () => {
    await createUser("patient", { id: 78 });
    const claims: Record<string, unknown> = { sub: 78, email: "x@example.com", role: "patient", exp: inAnHour() };
    const token = await jwt.sign(claims, env.JWT_SECRET);
    const { status, body } = await callJson("/api/users/me", { token });
    expect(status).toBe(200);
    expect(body.id).toBe(78);
  });

  it("answers a wrong role with 403 Permission denied", async () => {
    const { status, body } = await callJson("/api/admin/users/5/", {
      method: "PUT",
      as: patient,
      body: { email: "a@example.com", role: "patient" },
    });
    expect(status).toBe(403);
    expect(body).toEqual({ error: "Permission denied" });
  });

  it("leaves /health and the API documents open", async () => {
    expect((await call("/health")).status).toBe(200);
    expect((await call("/openapi.json")).status).toBe(200);
    expect((await call("/docs")).status).toBe(200);
  });
});
