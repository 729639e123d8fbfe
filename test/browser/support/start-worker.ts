import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unstable_splitSqlQuery, unstable_startWorker } from "wrangler";
import { workerSettings } from "./worker-settings";

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
  // An env file of our own: when one is given, wrangler does not read the developer's .dev.vars.
  const envFile = join(tmpdir(), `browser-tests-${process.pid}.env`);
  writeFileSync(envFile, "");
  const worker = await unstable_startWorker({
    config: join(root, "wrangler.toml"),
    envFiles: [envFile],
    bindings: Object.fromEntries(Object.entries(workerSettings).map(([name, value]) => [name, { type: "plain_text", value }])),
    dev: { server: { hostname: "127.0.0.1", port: 0 }, inspector: false, watch: false, persist: false, logLevel: "error" },
  } as Parameters<typeof unstable_startWorker>[0]);
  await worker.ready;
  const url = await worker.url;
  // The runtime behind the dev server: its D1 binding is how tests seed data.
  console.log((worker.raw as any).runtimes.map((r: any) => [r.constructor.name, !!r.mf]));
  await fetch(new URL("/health", url));
  console.log((worker.raw as any).runtimes.map((r: any) => [r.constructor.name, !!r.mf]));
  const miniflare = (worker.raw as unknown as { runtimes: Array<{ mf?: { getD1Database(name: string): Promise<D1Like> } }> }).runtimes[0]!.mf!;
  const db = await miniflare.getD1Database("DB");
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
  for (const file of readdirSync(dir).filter((name) => name.endsWith(".sql")).sort()) {
    await sql(unstable_splitSqlQuery(readFileSync(join(dir, file), "utf8")));
  }
}
