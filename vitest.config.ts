import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig, defineProject } from "vitest/config";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { testSettingsEnvFile } from "./test/support/settings.ts";

/**
 * Two projects: `workers` runs the product's tests inside workerd over a real local D1;
 * `node` runs the cross-checks against the official Node SDKs (twilio, agora-token), which
 * are devDependencies and never part of the Worker.
 */
export default defineConfig({
  test: {
    reporters: ["default", "./test/support/summary-reporter.ts"],
    projects: [
      defineProject({
        plugins: [
          cloudflareTest(async () => {
            // wrangler.toml's bindings, with the test settings instead of the developer's .dev.vars.
            // (`envFiles` works here as documented for getPlatformProxy; this function's types omit it.)
            const options = { envFiles: [testSettingsEnvFile()], overrides: { enableContainers: false } };
            const { workerOptions, main } = unstable_getMiniflareWorkerOptions("./wrangler.toml", undefined, options);
            const { modulesRules: _rules, assets: _assets, ...worker } = workerOptions;
            return {
              main,
              miniflare: {
                ...worker,
                bindings: { ...(worker.bindings as Record<string, unknown>), TEST_MIGRATIONS: await readD1Migrations("./migrations") },
                // Reminders go to a queue nothing consumes: tests hand batches to the consumer
                // themselves, so no background send races a test (or a test file's MSW server).
                queueProducers: { REMINDERS_QUEUE: { queueName: "telehealth-reminders-unconsumed" } },
              },
            };
          }),
        ],
        test: {
          name: "workers",
          include: ["test/**/*.test.ts"],
          // Two files at a time on a 2-core machine (the default is one fewer than the cores): much
          // of a file's time is workerd starting and waiting on its own I/O, not CPU.
          maxWorkers: 2,
          exclude: ["test/**/*.node.test.ts"],
          setupFiles: ["./test/setup/apply-migrations.ts"],
        },
      }),
      defineProject({
        test: {
          name: "node",
          environment: "node",
          include: ["test/**/*.node.test.ts"],
        },
      }),
      // Real Chromium against the Worker serving the built web client (test/browser/vitest.config.ts).
      "./test/browser/vitest.config.ts",
    ],
  },
});
