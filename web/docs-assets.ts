import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Plugin } from "vite";

const require = createRequire(import.meta.url);

/**
 * Swagger UI's browser bundle and stylesheet, copied from the npm package into the built assets
 * at /docs/, where the Worker's /docs page loads them: the API reference needs no CDN.
 */
export function swaggerUiAssets(): Plugin {
  const files = ["swagger-ui-bundle.js", "swagger-ui.css", "LICENSE"];
  return {
    name: "swagger-ui-assets",
    apply: "build",
    generateBundle() {
      for (const file of files) {
        const source = readFileSync(require.resolve(`swagger-ui-dist/${file}`));
        this.emitFile({ type: "asset", fileName: `docs/${file === "LICENSE" ? "swagger-ui-LICENSE.txt" : file}`, source });
      }
    },
  };
}
