import { createHmac } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { demoUsers } from "./demo-data.mjs";

/** JWT_SECRET as `wrangler dev` will see it: .dev.vars, else the example it is copied from. */
export function localJwtSecret() {
  const file = existsSync(".dev.vars") ? ".dev.vars" : ".dev.vars.example";
  const line = readFileSync(file, "utf8")
    .split("\n")
    .find((l) => l.startsWith("JWT_SECRET="));
  if (!line) throw new Error(`JWT_SECRET is missing from ${file}`);
  return line.slice("JWT_SECRET=".length).trim();
}

const base64Url = (value) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");

/** An HS256 JWT for a seeded user, shaped like the platform's tokens, valid for 24 hours. */
export function demoToken(userId, secret = localJwtSecret()) {
  const user = demoUsers.find((u) => u.id === Number(userId));
  if (!user) {
    throw new Error(`No demo user ${userId}; seeded users: ${demoUsers.map((u) => `${u.id} (${u.role})`).join(", ")}`);
  }
  const now = Math.floor(Date.now() / 1000);
  const payload = { sub: String(user.id), email: user.email, role: user.role, name: user.name, iat: now, exp: now + 24 * 3600 };
  const unsigned = `${base64Url({ alg: "HS256", typ: "JWT" })}.${base64Url(payload)}`;
  return `${unsigned}.${createHmac("sha256", secret).update(unsigned).digest("base64url")}`;
}
