import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { unstable_splitSqlQuery, unstable_startWorker } from "wrangler";
import { testSettingsEnvFile } from "../../support/settings";

// Outbound provider hosts point at a closed local port: anything the Worker tries to send fails
// at once instead of waiting on DNS. With no WhatsApp sender and no email key, notices go to the
// local outbox (on, as in local development) and nothing leaves.
const unreachable = "http://127.0.0.1:9";
const browserTestSettings = {
  MEETING_BASE_URL: "",
  TWILIO_API_BASE_URL: unreachable,
  TWILIO_VIDEO_BASE_URL: unreachable,
  EMAIL_API_BASE_URL: unreachable,
  TWILIO_WHATSAPP_FROM: "",
  EMAIL_API_KEY: "",
  LOCAL_OUTBOX: "true",
};

export type StartedWorker = {
  url: URL;
  /** Runs SQL statements on the Worker's local D1, in one batch. */
  sql(statements: string[]): Promise<unknown[][]>;
  dispose(): Promise<void>;
};

/**
 * The Worker with its static assets (wrangler.toml [assets] → web/dist), as `wrangler dev` runs
 * it, on a free port: D1 and Durable Objects in memory, migrations applied, test settings bound.
 */
export async function startWorker(root: string): Promise<StartedWorker> {
  // Offline: no fetch of Request.cf from workers.cloudflare.com (a placeholder is fine for tests).
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
  const worker = await unstable_startWorker({
    config: join(root, "wrangler.toml"),
    // The test settings, never the developer's .dev.vars.
    envFiles: [testSettingsEnvFile(browserTestSettings)],
    dev: { server: { hostname: "127.0.0.1", port: 0 }, inspector: false, watch: false, persist: false, logLevel: "error" },
  } as Parameters<typeof unstable_startWorker>[0]);
  await worker.ready;
  const url = await worker.url;
  // `ready` is the dev server's proxy; the first request through it waits for the runtime too.
  await fetch(new URL("/health", url));
  // The runtime behind the dev server: its D1 binding is how tests seed data.
  const runtime = (worker.raw as unknown as { runtimes: Array<{ mf?: { getD1Database(name: string): Promise<D1Like> } }> }).runtimes[0];
  if (!runtime?.mf) throw new Error("wrangler's local runtime did not start");
  const db = await runtime.mf.getD1Database("DB");
  const sql = async (statements: string[]) => {
    const results = await db.batch(statements.map((statement) => db.prepare(statement)));
    return results.map((result) => result.results ?? []);
  };
  await applyMigrations(join(root, "migrations"), sql);
  return { url, sql, dispose: () => worker.dispose() };
}

type D1Like = {
  prepare(sql: string): unknown;
  batch(statements: unknown[]): Promise<Array<{ results?: unknown[] }>>;
};

async function applyMigrations(dir: string, sql: (statements: string[]) => Promise<unknown>) {
  for (const file of readdirSync(dir)
    .filter((name) => name.endsWith(".sql"))
    .sort()) {
    await sql(unstable_splitSqlQuery(readFileSync(join(dir, file), "utf8")));
  }
}
