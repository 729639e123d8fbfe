import { bodyLimit } from "hono/body-limit";
import { secureHeaders } from "hono/secure-headers";
import { limitPerIp } from "../auth/rate-limits";
import { callerAccess } from "../auth/route-access";
import { configOf } from "../base/config";
import { errorResponse } from "../base/errors";
import { createRouter } from "../base/router";
import { webhookRoutes } from "../webhooks/routes";
import { appointmentRoutes } from "./appointments";
import { auditEventRoutes } from "./audit-events";
import { corsForAllowedOrigins } from "./cors";
import { d1Session } from "./d1-session";
import { mountDocs } from "./docs/routes";
import { healthRoutes } from "./health";
import { outboxRoutes } from "./outbox";
import { roomRoutes } from "./room-status";
import { scheduleRoutes } from "./schedules";
import { twilioVideoRoutes } from "./twilio-video/routes";
import { userRoutes } from "./users";
import { videoCallRoutes } from "./video-calls/routes";
import { videoSessionRoutes } from "./video-sessions/routes";
import { signallingRoutes } from "./video-sessions/signalling";

/** The HTTP surface: every capability's routes mounted at the paths the front ends call. */
export const app = createRouter();

// One configuration for the isolate, parsed on first use; a bad setting is a 500 naming it.
app.use(async (c, next) => {
  c.set("config", configOf(c.env));
  await next();
});

// Every answer: no MIME sniffing, no Referer, HTTPS only, never framed. API bodies carry health
// data and tokens, so no cache (browser or proxy) keeps them. The pages' own headers: web/public/_headers.
app.use(
  secureHeaders({
    xFrameOptions: "DENY",
    strictTransportSecurity: "max-age=63072000; includeSubDomains",
    // Practices' own front ends read the API across origins (CORS); a same-origin CORP would not stop them, but say so plainly.
    crossOriginResourcePolicy: "same-site",
  }),
);
app.use("/api/*", async (c, next) => {
  await next();
  c.header("Cache-Control", "no-store");
});

// Practices' own front ends on the allow-list; a preflight is answered before authentication.
app.use("/api/*", corsForAllowedOrigins());

// Worldwide reads: each request's queries run in one D1 session, on a nearby replica where they may.
app.use("/api/*", d1Session());

// Providers' payloads are small; anything bigger is not theirs.
// Counted per IP before anything else (a forged flood costs no signature work), then sized.
app.use("/api/webhooks/*", limitPerIp("WEBHOOK_RATE_LIMIT"));
app.use("/api/webhooks/*", bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.json({ error: "Payload too large" }, 413) }));

app.route("/", healthRoutes);
app.route("/", userRoutes);
// Schedules before the `/{id}/` routes, so "psychologist" is never read as an id.
app.route("/", scheduleRoutes);
app.route("/", roomRoutes);
app.route("/", twilioVideoRoutes);
app.route("/", videoCallRoutes);
app.route("/", videoSessionRoutes);
app.route("/", signallingRoutes);
app.route("/", appointmentRoutes);
app.route("/", webhookRoutes);
app.route("/", outboxRoutes);
app.route("/", auditEventRoutes);
// Each route above declares who may call it (`authedRoute`, `publicRoute`). A path none answers
// still asks for a caller first, as the routes do: without credentials it is a 401, with a join
// link's token a 403, so neither learns which paths exist.
app.all("/api/*", callerAccess(), (c) => c.json({ error: "Not found" }, 404));

app.notFound((c) => c.json({ error: "Not found" }, 404));
app.onError(errorResponse);

mountDocs(app);
