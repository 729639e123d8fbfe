import { createHmac } from "node:crypto";

export type TokenUser = { id: number; email: string; name: string; role: string };

const base64Url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** An HS256 JWT for a user, shaped like the practice platform's tokens, valid for 24 hours. */
export function localToken(user: TokenUser, secret: string, now = Math.floor(Date.now() / 1000)): string {
  const payload = { sub: String(user.id), email: user.email, role: user.role, name: user.name, iat: now, exp: now + 24 * 3600 };
  const unsigned = `${base64Url({ alg: "HS256", typ: "JWT" })}.${base64Url(payload)}`;
  return `${unsigned}.${createHmac("sha256", secret).update(unsigned).digest("base64url")}`;
}
