/**
 * The built Worker running in workerd through Miniflare's API, for benchmarks: bundled as it is
 * deployed (`wrangler deploy --dry-run`), configured from wrangler.toml (bindings, Durable
 * Objects, compatibility), storage in memory, D1 migrations applied. Requests go straight to
 * the runtime with `dispatchFetch`, not through `wrangler dev`'s proxy (which caps near
 * 1,000 requests/s).
 *
 * @example
 * await using worker = await startBuiltWorker({ bindings: { TWILIO_AUTH_TOKEN: "bench" } });
 * const response = await worker.fetch("https://edge.bench/api/health/");
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { unstable_getMiniflareWorkerOptions, unstable_splitSqlQuery } from "wrangler";

/** What the benchmarks use of Miniflare, typed here: wrangler's Miniflare is not importable by name. */
interface Runtime {
  ready: Promise<URL>;
  dispatchFetch(url: string, init?: RequestInit): Promise<Response>;
  getD1Database(bindingName: string): Promise<D1Database>;
  /** The Worker's handlers beyond fetch: `scheduled` runs its Cron Trigger. */
  getWorker(): Promise<{ scheduled(options: { scheduledTime?: Date; cron?: string }): Promise<{ outcome: string; noRetry: boolean }> }>;
  dispose(): Promise<void>;
}

// Miniflare as wrangler itself depends on it, so the (v4-shaped) options wrangler derives fit it.
const { Miniflare, convertV4MiniflareOptions } = createRequire(import.meta.resolve("wrangler"))("miniflare") as {
  Miniflare: new (options: unknown) => Runtime;
  convertV4MiniflareOptions(options: unknown): unknown;
};

export interface RunningWorker extends AsyncDisposable {
  fetch(url: string, init?: RequestInit): Promise<Response>;
  miniflare: Runtime;
  /**
   * CPU time the runtime (workerd, every thread) has used so far, in milliseconds. All the
   * Workers and the Durable Objects that emulate D1 and the rate limiter share it, so its growth
   * per request is a request's whole cost, measured apart from the harness on the other core.
   */
  runtimeCpuMs(): number;
  /** The bundle the Worker runs, as wrangler wrote it (its `// src/…` comments name each module's lines). */
  bundlePath: string;
}

export interface BuiltWorker extends RunningWorker {
  /** The Worker's D1 binding, to seed data. */
  db: D1Database;
}

/**
 * Any Worker as `wrangler deploy` would bundle and configure it from `configPath`, running in
 * workerd with storage in memory: the bench's Workers start alike, whatever they measure.
 */
export async function startWorker({
  configPath,
  bindings = {},
  rateLimits = {},
  neighbours = [],
  quiet = false,
  inspectorPort,
  routes,
}: {
  configPath: string;
  /** Secrets and overrides of the config's [vars]. */
  bindings?: Record<string, string>;
  /** Requests a `[[ratelimits]]` binding allows per period, by its name, instead of the config's. */
  rateLimits?: Record<string, number>;
  /**
   * Other Workers in the same runtime (Miniflare worker options, each with a `name` and the
   * `routes` it answers), such as ceilings to measure against side by side.
   */
  neighbours?: Record<string, unknown>[];
  /** Drops the Workers' console output: printing thousands of log lines a second costs the harness more than the Workers. */
  quiet?: boolean;
  /** Opens workerd's DevTools inspector on this port, to profile the Workers (bench/profile.ts). */
  inspectorPort?: number;
  /** Hosts the Worker answers by route, as its neighbours do (see support/http-bench.ts on the asset router). */
  routes?: string[];
}): Promise<RunningWorker> {
  const outdir = mkdtempSync(join(tmpdir(), "built-worker-"));
  const wrangler = resolve("node_modules/.bin/wrangler");
  execFileSync(wrangler, ["deploy", "--dry-run", "--outdir", outdir, "--config", configPath], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, CI: "true" },
  });

  // The bundle is one ES module: the source's module rules do not apply to it.
  const { modulesRules: _modulesRules, ...workerOptions } = unstable_getMiniflareWorkerOptions(configPath).workerOptions as Record<
    string,
    unknown
  >;
  // The bundle is named after the config's `main`.
  const bundle = readdirSync(outdir).find((name) => name.endsWith(".js"));
  if (!bundle) throw new Error(`wrangler wrote no bundle for ${configPath}`);
  const worker = {
    ...workerOptions,
    modules: true,
    scriptPath: join(outdir, bundle),
    // Module names are paths below this root: the bundle lives outside the project.
    modulesRoot: outdir,
    bindings: { ...(workerOptions.bindings as Record<string, unknown> | undefined), ...bindings },
    ratelimits: withLimits(workerOptions.ratelimits as Record<string, RateLimitOptions> | undefined, rateLimits),
    ...(routes ? { routes } : {}),
  };
  // Another runtime may be running already (bench:webhooks starts two): ours is the child that is new.
  const workerdsBefore = childProcessesNamed("workerd");
  // The first Worker answers every request no neighbour's route claims.
  const miniflare = new Miniflare(
    convertV4MiniflareOptions({
      ...(neighbours.length === 0 ? worker : { workers: [{ name: "main", ...worker }, ...neighbours] }),
      ...(quiet ? { handleStructuredLogs: () => {} } : {}),
      ...(inspectorPort ? { inspectorPort } : {}),
    }),
  );
  await miniflare.ready;
  const workerd = childProcessesNamed("workerd").find((pid) => !workerdsBefore.includes(pid));

  return {
    fetch: (url, init) => miniflare.dispatchFetch(url, init),
    miniflare,
    runtimeCpuMs: () => {
      if (workerd === undefined) throw new Error("runtime CPU is read from Linux's /proc, and no workerd process was found there");
      return cpuMsOfProcess(workerd);
    },
    bundlePath: join(outdir, bundle),
    async [Symbol.asyncDispose]() {
      await miniflare.dispose();
      rmSync(outdir, { recursive: true, force: true });
    },
  };
}

/** This process's children running `command`, by pid; none where there is no Linux `/proc`. */
function childProcessesNamed(command: string): number[] {
  if (!existsSync("/proc")) return [];
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        // `pid (comm) state ppid …`; comm may hold spaces, so read after its closing parenthesis.
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
        return comm === command && Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === process.pid;
      } catch {
        return false; // The process ended while we looked.
      }
    })
    .map(Number);
}

/** A process's CPU time in ms: each thread's nanoseconds on a CPU (`/proc/<pid>/task/<tid>/schedstat`), summed. */
function cpuMsOfProcess(pid: number): number {
  let nanoseconds = 0;
  for (const thread of readdirSync(`/proc/${pid}/task`)) {
    try {
      nanoseconds += Number(readFileSync(`/proc/${pid}/task/${thread}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // The thread ended between the listing and the read; its time is gone from the total either way.
    }
  }
  return nanoseconds / 1e6;
}

type RateLimitOptions = { simple: { limit: number; period: number } };

function withLimits(configured: Record<string, RateLimitOptions> = {}, limits: Record<string, number>) {
  for (const name of Object.keys(limits)) if (!configured[name]) throw new Error(`no [[ratelimits]] binding named ${name}`);
  return Object.fromEntries(
    Object.entries(configured).map(([name, options]) => [
      name,
      name in limits ? { ...options, simple: { ...options.simple, limit: limits[name] } } : options,
    ]),
  );
}

/** This service's Worker from wrangler.toml, its D1 migrated. */
export async function startBuiltWorker({
  configPath = "wrangler.toml",
  migrationsDir = "migrations",
  ...options
}: {
  configPath?: string;
  migrationsDir?: string;
} & Omit<Parameters<typeof startWorker>[0], "configPath"> = {}): Promise<BuiltWorker> {
  const worker = await startWorker({ configPath, ...options });
  const db = await worker.miniflare.getD1Database("DB");
  for (const file of readdirSync(migrationsDir)
    .filter((name) => name.endsWith(".sql"))
    .sort()) {
    for (const statement of unstable_splitSqlQuery(readFileSync(join(migrationsDir, file), "utf8"))) await db.prepare(statement).run();
  }
  return { ...worker, db };
}
