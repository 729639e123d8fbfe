import type { OpenAPIHono } from "@hono/zod-openapi";
import { publicAccess } from "../../auth/route-access";
import type { AppEnv } from "../../base/app-env";
import { renderDocsPage } from "./render-docs-page";

const documentConfig = {
  openapi: "3.1.0",
  info: {
    title: "Telehealth video edge API",
    version: "1.0.0",
    description:
      "Appointments, video access, live room state and reminders for therapy practices. An `/api` answer that read or " +
      "wrote data carries `x-d1-bookmark`: send the last one back in the same header, and reads see your own writes " +
      "(a malformed one is a 400).",
  },
};

const docsPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * Serves the OpenAPI 3.1 document built from the same zod schemas that validate requests, and an
 * interactive reference (Swagger UI over a page rendered from it on the server; no CDN, so it works offline).
 */
export function mountDocs(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
  });
  const apiReference = publicAccess("The API reference: routes and schemas, no data.");
  app.get("/openapi.json", apiReference, (c) => c.json(app.getOpenAPI31Document(documentConfig)));
  app.get("/docs", apiReference, (c) => {
    // Scripts and styles from our own origin only; Swagger UI's inline styles and data: icons allowed.
    c.header("Content-Security-Policy", docsPolicy);
    return c.html(renderDocsPage(app.getOpenAPI31Document(documentConfig)));
  });
}
