import { OpenAPIHono, type Hook } from "@hono/zod-openapi";
import type { AppEnv } from "./env";
import { badRequest, type ErrorDetails } from "./errors";

/**
 * Turns a failed zod validation into our 400: the message names the first bad field, and
 * `details` lists every field's messages.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const validationHook: Hook<any, AppEnv, any, any> = (result) => {
  if (result.success) return;
  const details: ErrorDetails = {};
  for (const issue of result.error.issues) {
    const field = issue.path.join(".") || "body";
    (details[field] ??= []).push(issue.message);
  }
  const [field, messages] = Object.entries(details)[0] ?? ["body", ["Invalid input"]];
  throw badRequest(`Invalid ${field}: ${messages[0]}`, details);
};

/** Every capability's routes are an OpenAPIHono, so its zod schemas validate and document at once. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook, strict: false });
}
