import { bodyLimit } from "hono/body-limit";
import { createRouter } from "./router";
import { errorResponse } from "./errors";
import { healthRoutes } from "./health/routes";
import { mountDocs } from "./docs/routes";
import { requireCaller } from "./auth/middleware";
import { userRoutes } from "./users/routes";
import { appointmentRoutes } from "./appointments/routes";
import { scheduleRoutes } from "./appointments/schedule-routes";
import { roomRoutes } from "./rooms/routes";
import { webhookRoutes } from "./webhooks/routes";
import { reminderRoutes } from "./reminders/routes";
import { twilioVideoRoutes } from "./video/twilio/routes";
import { videoCallRoutes } from "./video-calls/routes";

/** The HTTP surface: every capability's routes mounted at the paths the front ends call. */
export const app = createRouter();

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
app.route("/", reminderRoutes);

app.notFound((c) => c.json({ error: "Not found" }, 404));
app.onError(errorResponse);

mountDocs(app);
