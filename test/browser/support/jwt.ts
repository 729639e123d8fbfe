import { createHmac } from "node:crypto";
import { testSettings } from "../../support/settings";

const { JWT_SECRET } = testSettings;

export type Role = "patient" | "psychologist" | "admin";
export type TestUser = { id: number; email: string; role: Role; name: string; timezone: string };

const base64url = (data: string | Buffer) => Buffer.from(data).toString("base64url");

/** A caller's JWT as the practice platform issues it (HS256 with the test secret), like test/support/api.ts tokenFor. */
export function tokenFor(user: Pick<TestUser, "id" | "email" | "role" | "name">, lifetimeSeconds = 3600): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = base64url(
    JSON.stringify({ sub: String(user.id), email: user.email, role: user.role, name: user.name, iat: now, exp: now + lifetimeSeconds }),
  );
  const signature = createHmac("sha256", JWT_SECRET).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

/** The `sub` of a token we issued (the stubs trust it: they only ever see our own tokens). */
export function userIdOf(token: string): number {
  const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as { sub: string };
  return Number(payload.sub);
}
