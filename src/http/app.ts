import { bodyLimit } from "hono/body-limit";
import { requireCaller } from "../auth/middleware";
import { configOf } from "../base/config";
import { errorResponse } from "../base/errors";
import { createRouter } from "../base/router";
import { webhookRoutes } from "../webhooks/routes";
import { appointmentRoutes } from "./appointments";
import { mountDocs } from "./docs/routes";
import { healthRoutes } from "./health";
import { outboxRoutes } from "./outbox";
import { roomRoutes } from "./room-status";
import { scheduleRoutes } from "./schedules";
import { twilioVideoRoutes } from "./twilio-video/routes";
import { userRoutes } from "./users";
import { videoCallRoutes } from "./video-calls/routes";

/** The HTTP surface: every capability's routes mounted at the paths the front ends call. */
export const app = createRouter();

// One configuration for the isolate, parsed on first use; a bad setting is a 500 naming it.
app.use(async (c, next) => {
  c.set("config", configOf(c.env));
  await next();
});

// Every /api route needs the caller's JWT, except webhooks: there the provider's signature is the auth.
const authenticate = requireCaller();
app.use("/api/*", async (c, next) => (c.req.path.startsWith("/api/webhooks/") ? next() : authenticate(c, next)));

// Providers' payloads are small; anything bigger is not theirs.
app.use("/api/webhooks/*", bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.json({ error: "Payload too large" }, 413) }));

app.route("/", healthRoutes);
app.route("/", userRoutes);
// Schedules before the `/{id}/` routes, so "psychologist" is never read as an id.
app.route("/", scheduleRoutes);
app.route("/", roomRoutes);
app.route("/", twilioVideoRoutes);
app.route("/", videoCallRoutes);
app.route("/", appointmentRoutes);
app.route("/", webhookRoutes);
app.route("/", outboxRoutes);

app.notFound((c) => c.json({ error: "Not found" }, 404));
app.onError(errorResponse);

mountDocs(app);
