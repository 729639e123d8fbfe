import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

/**
 * Browser tests: real Chromium (headless, fake camera and microphone) against the Worker serving
 * the built web client, started once by the global setup. Runs in Node, not in workerd.
 * Standalone: `npm run test:browser`. From the root config: add this file to `projects`.
 */
export default defineProject({
  test: {
    name: "browser",
    root: fileURLToPath(new URL("../..", import.meta.url)),
    environment: "node",
    include: ["test/browser/**/*.spec.ts"],
    globalSetup: ["test/browser/global-setup.ts"],
    // Each file drives its own Chromium; two at a time suits a 2-core machine.
    maxWorkers: 2,
    // After the workerd and node projects, not beside them: real-time media on a loaded 2-core
    // machine makes a fake camera miss frames, and the tests would measure the load, not the page.
    sequence: { groupOrder: 1 },
    testTimeout: 30_000,
    // A page under a loaded CI machine may take more than the default second to get there.
    expect: { poll: { timeout: 5_000 } },
    hookTimeout: 60_000,
  },
});
