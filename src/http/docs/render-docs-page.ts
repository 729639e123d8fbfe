import type { OpenAPIHono } from "@hono/zod-openapi";
import { html } from "hono/html";

type OpenAPIObject = ReturnType<OpenAPIHono["getOpenAPI31Document"]>;
type OperationObject = { summary?: string; description?: string; security?: unknown[] };

const methods = ["get", "post", "put", "patch", "delete"] as const;

/**
 * The API reference: Swagger UI (its bundle served from our own assets at /docs/, no CDN) mounted
 * over a plain HTML index of every operation (method, path, summary, whether it needs a JWT), which
 * is what readers without JavaScript, and search, get.
 */
export function renderDocsPage(document: OpenAPIObject) {
  const operations = Object.entries(document.paths ?? {}).flatMap(([path, item]) =>
    methods.flatMap((method) => {
      const operation = item?.[method] as OperationObject | undefined;
      return operation ? [{ path, method, operation }] : [];
    }),
  );
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>${document.info.title}</title>
    <link rel="stylesheet" href="/docs/swagger-ui.css" />
    <style>
      body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
      table { border-collapse: collapse; width: 100%; }
      td, th { border-bottom: 1px solid #ddd; padding: .4rem; text-align: left; vertical-align: top; }
      code { font-size: 14px; }
      .method { font-weight: 600; text-transform: uppercase; }
    </style>
  </head>
  <body>
    <main id="reference">
    <h1>${document.info.title} <small>${document.info.version}</small></h1>
    <p>${document.info.description ?? ""}</p>
    <p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
    <table>
      <tr><th>Method</th><th>Path</th><th>What it does</th><th>Auth</th></tr>
      ${operations.map(
        ({ path, method, operation }) => html`<tr>
          <td class="method">${method}</td>
          <td><code>${path}</code></td>
          <td>${operation.summary ?? ""}${operation.description ? html`<br /><small>${operation.description}</small>` : ""}</td>
          <td>${operation.security?.length ? "Bearer JWT" : "none"}</td>
        </tr>`,
      )}
    </table>
    </main>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>`;
}
