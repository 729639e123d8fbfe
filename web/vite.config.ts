import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import { swaggerUiAssets } from "./docs-assets.ts";

const webRoot = fileURLToPath(new URL(".", import.meta.url));

/**
 * The web client, served by the Worker as static assets (wrangler.toml [assets] → web/dist).
 * Preact's automatic JSX runtime through Oxc (Vite 8's transformer; no plugin needed). Each video
 * provider's adapter and SDK are dynamic imports, so they land in their own chunks and a session
 * downloads only its own provider's SDK.
 */
export default defineConfig({
  root: webRoot,
  publicDir: "public",
  plugins: [swaggerUiAssets()],
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // The provider SDKs are big by nature (Twilio ~650 kB, Agora ~1.6 MB minified); they load only in a session.
    chunkSizeWarningLimit: 2000,
    sourcemap: false,
    rolldownOptions: {
      output: {
        // twilio-video's entry is es5/index.js: name its chunk after the package, not "es5".
        chunkFileNames: (chunk) =>
          chunk.moduleIds.some((id) => id.includes("/node_modules/twilio-video/"))
            ? "assets/twilio-video-[hash].js"
            : "assets/[name]-[hash].js",
      },
    },
  },
  // `vite` (dev server) proxies the API to `wrangler dev`, so the SPA can be developed with HMR.
  server: {
    port: 5173,
    proxy: { "/api": { target: "http://localhost:8787", ws: true }, "/health": "http://localhost:8787" },
  },
});
