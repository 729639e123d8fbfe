import { type Hook, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "./app-env";
import { badRequest, type ErrorDetails } from "./errors";

/**
 * Turns a failed zod validation into our 400: the message names the first bad field, and
 * `details` lists every field's messages.
 */
// biome-ignore lint/suspicious/noExplicitAny: one hook serves every route's input and output types.
const validationHook: Hook<any, AppEnv, any, any> = (result) => {
  if (result.success) return;
  const details: ErrorDetails = {};
  for (const issue of result.error.issues) {
    const field = issue.path.join(".") || "body";
    details[field] = [...(details[field] ?? []), issue.message];
  }
  const [field, messages] = Object.entries(details)[0] ?? ["body", ["Invalid input"]];
  throw badRequest(`Invalid ${field}: ${messages[0]}`, details);
};

/**
 * Every capability's routes are an OpenAPIHono, so its zod schemas validate and document at once.
 * Paths are matched exactly as the API documents write them, trailing slash included.
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

/** The `{"error": "..."}` body, documented once for every error response. */
export const errorBodySchema = z
  .object({ error: z.string(), details: z.record(z.string(), z.array(z.string())).optional() })
  .openapi("Error");

export const errorResponses = {
  400: { description: "Invalid input; `details` names each bad field", content: { "application/json": { schema: errorBodySchema } } },
  401: { description: "Missing, malformed or expired JWT", content: { "application/json": { schema: errorBodySchema } } },
  403: { description: "Permission denied", content: { "application/json": { schema: errorBodySchema } } },
  404: { description: "Not found", content: { "application/json": { schema: errorBodySchema } } },
  429: {
    description: "Too many requests from this user or address; `Retry-After` says when to try again",
    content: { "application/json": { schema: errorBodySchema } },
  },
} as const;

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { content: { "application/json": { schema } }, required: true } as const;
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } } as const;
}
