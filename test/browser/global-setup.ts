import { fileURLToPath } from "node:url";
import sparticuz from "@sparticuz/chromium";
import { build } from "vite";
import type { TestProject } from "vitest/node";
import { startControlServer } from "./support/control-server";
import { startWorker } from "./support/start-worker";

const root = fileURLToPath(new URL("../..", import.meta.url));

declare module "vitest" {
  export interface ProvidedContext {
    workerUrl: string;
    controlUrl: string;
    controlKey: string;
    browserExecutablePath: string;
  }
}

/**
 * Once per run: build the web client (so the tests exercise today's code, as the Worker will
 * serve it), start the Worker with those assets and a fresh in-memory D1, and tell the test
 * files where both are.
 */
export default async function setup(project: TestProject) {
  const started = Date.now();
  if (process.env.BROWSER_TESTS_SKIP_BUILD !== "1") {
    await build({ configFile: `${root}web/vite.config.ts`, logLevel: "warn" });
  }
  const built = Date.now();
  // Resolved once: the first call unpacks Chromium into /tmp, and test files unpacking it at the
  // same time would spawn a half-written binary (ETXTBSY).
  const browserExecutablePath = process.env.BROWSER_EXECUTABLE_PATH || (await sparticuz.executablePath());
  const worker = await startWorker(root);
  const control = await startControlServer(worker.sql);
  project.provide("workerUrl", worker.url.href);
  project.provide("controlUrl", control.url);
  project.provide("controlKey", control.key);
  project.provide("browserExecutablePath", browserExecutablePath);
  console.log(`browser tests: web built in ${built - started} ms, Worker up in ${Date.now() - built} ms at ${worker.url.href}`);
  return async () => {
    await control.close();
    await worker.dispose();
  };
}
