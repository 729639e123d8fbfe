import { z } from "@hono/zod-openapi";
import { publicRoute } from "../auth/route-access";
import { createRouter } from "../base/router";

const healthRoute = publicRoute({
  method: "get",
  path: "/health",
  publicBecause: "Uptime checks carry no credentials, and the answer says only whether the service and its database are up.",
  summary: "Liveness with a D1 round trip",
  responses: {
    200: {
      description: "The service and its database answer",
      content: { "application/json": { schema: z.object({ status: z.literal("ok"), database: z.literal("ok") }) } },
    },
    503: {
      description: "The database does not answer",
      content: { "application/json": { schema: z.object({ status: z.literal("degraded"), database: z.literal("error") }) } },
    },
  },
});

export const healthRoutes = createRouter().openapi(healthRoute, async (c) => {
  try {
    await c.env.DB.prepare("SELECT 1").first();
    return c.json({ status: "ok" as const, database: "ok" as const }, 200);
  } catch {
    return c.json({ status: "degraded" as const, database: "error" as const }, 503);
  }
});
