import jwt from "@tsndr/cloudflare-worker-jwt";
import { describe, expect, it } from "vitest";
import { signSessionToken, verifySessionToken } from "../../src/auth/session-token";
import { verifyCallerToken } from "../../src/auth/verify-caller-token";
import { toBase64Url, utf8 } from "../../src/crypto/encoding";

const sessionSecret = "unit-session-secret";
const platformSecret = "unit-platform-secret";
const now = Math.floor(Date.now() / 1000);
const patient = { id: 201, email: "jane@example.com", role: "patient" as const, name: "Jane Doe" };
const scope = { appointmentId: 7, roomName: "apt-7-1764590000-9f1c2a7b" };
const config = { secret: platformSecret, sessionSecret };

/** A token with our header and these claims, signed with `secret` (for claims `signSessionToken` never writes). */
function sessionTokenWith(claims: Record<string, unknown>, secret = sessionSecret) {
  return jwt.sign(claims, secret, { algorithm: "HS256", header: { kid: "video-session", typ: "JWT" } });
}
const validClaims = {
  sub: "201",
  email: patient.email,
  role: "patient",
  aud: "video-session",
  scope: { appointment_id: 7, room_name: scope.roomName },
  exp: now + 600,
};

describe("session-scoped tokens", () => {
  it("carry the party and the one session they open, under the video-session key id", async () => {
    const token = await signSessionToken(patient, scope, sessionSecret, now + 600);
    const { header, payload } = jwt.decode(token);
    expect(header).toEqual({ alg: "HS256", kid: "video-session", typ: "JWT" });
    expect(payload).toEqual({
      sub: "201",
      email: "jane@example.com",
      role: "patient",
      name: "Jane Doe",
      aud: "video-session",
      scope: { appointment_id: 7, room_name: scope.roomName },
      exp: now + 600,
      iat: expect.any(Number),
    });
    expect(await verifySessionToken(token, sessionSecret, now)).toEqual({ ...patient, scope, expiresAt: now + 600 });
  });

  it("are told apart from the platform's JWTs by their key id when a caller's token is verified", async () => {
    const token = await signSessionToken(patient, scope, sessionSecret, now + 600);
    expect(await verifyCallerToken(token, config, now)).toEqual({ ...patient, scope, expiresAt: now + 600 });
    // The platform's own tokens never get a scope, whatever their claims say.
    const platform = await jwt.sign({ ...validClaims, name: "Jane Doe" }, platformSecret);
    expect(await verifyCallerToken(platform, config, now)).toEqual({ ...patient, expiresAt: validClaims.exp });
  });

  it("cannot be made with the platform's secret, nor passed off as a platform JWT", async () => {
    const forged = await sessionTokenWith(validClaims, platformSecret);
    await expect(verifyCallerToken(forged, config, now)).rejects.toMatchObject({ status: 401, message: "Invalid token: bad signature" });
    // Without the key id the session secret's signature is checked against the platform's secret.
    const unmarked = await jwt.sign(validClaims, sessionSecret);
    await expect(verifyCallerToken(unmarked, config, now)).rejects.toMatchObject({ status: 401, message: "Invalid token: bad signature" });
  });

  it("are refused when no session secret is configured", async () => {
    const token = await signSessionToken(patient, scope, sessionSecret, now + 600);
    await expect(verifyCallerToken(token, { secret: platformSecret }, now)).rejects.toMatchObject({
      status: 401,
      message: "Invalid token: bad signature",
    });
  });

  it("expire", async () => {
    const token = await signSessionToken(patient, scope, sessionSecret, now + 60);
    await expect(verifySessionToken(token, sessionSecret, now + 60)).rejects.toMatchObject({ status: 401, message: "Token has expired" });
  });

  it("refuse an unsigned token (alg none) under our key id", async () => {
    const part = (value: unknown) => toBase64Url(utf8(JSON.stringify(value)));
    const unsigned = `${part({ alg: "none", kid: "video-session", typ: "JWT" })}.${part(validClaims)}.`;
    await expect(verifyCallerToken(unsigned, config, now)).rejects.toMatchObject({ status: 401, message: "Invalid token: bad signature" });
  });

  it.each([
    ["another audience", { ...validClaims, aud: "platform" }],
    ["no scope", { ...validClaims, scope: undefined }],
    ["a scope without its room", { ...validClaims, scope: { appointment_id: 7 } }],
    ["a scope with a text id", { ...validClaims, scope: { appointment_id: "7", room_name: scope.roomName } }],
    ["no email", { ...validClaims, email: undefined }],
  ])("refuse claims with %s", async (_name, claims) => {
    await expect(verifySessionToken(await sessionTokenWith(claims), sessionSecret, now)).rejects.toMatchObject({
      status: 401,
      message: "Invalid token: missing or invalid claims",
    });
  });

  it("refuse a token without an expiry", async () => {
    await expect(verifySessionToken(await sessionTokenWith({ ...validClaims, exp: undefined }), sessionSecret, now)).rejects.toMatchObject({
      status: 401,
      message: "Invalid token: missing exp",
    });
  });
});
