/**
 * Where one endpoint's CPU goes inside the built Worker's isolate, beside the same for the
 * ceiling that does the least a credential route must (rate limit, D1 read, audit row):
 * `npm run bench:profile`. Each is driven as `bench:http` drives it while workerd's V8 profiler
 * samples its isolate through the DevTools inspector; the samples are grouped by the module of
 * their innermost JavaScript frame (the bundle's `// src/…` comments, packages by name, the
 * runtime's own D1 and rate-limit clients by theirs; a native call counts for its caller).
 * The profiles are written to the system's temp directory for Chrome DevTools' Performance panel.
 *
 * Shares, not times, are what it prints: sampling every 100 µs slows the isolate, and the
 * Durable Objects that emulate D1 and the rate limiter run in isolates of their own.
 *
 * TARGET=<regex> picks the endpoint by its bench:http name (default: the Twilio token).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { startHttpBench, type Target } from "./support/http-bench";

const PROFILE_MS = Number(process.env.PROFILE_MS ?? 5000);
const INSPECTOR_PORT = 9329;
const TOP = 16;

await using bench = await startHttpBench({ inspectorPort: INSPECTOR_PORT });
const pattern = new RegExp(process.env.TARGET ?? "^Twilio token$", "i");
const endpoint = bench.endpoints.find((target) => pattern.test(target.name));
if (!endpoint) throw new Error(`no endpoint named like ${pattern}`);

type CpuProfile = {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
};

/** A DevTools protocol session with one isolate, as workerd's inspector lists it (`core:user:<Worker name>`). */
async function inspect(isolate: string) {
  const socket = new WebSocket(`ws://127.0.0.1:${INSPECTOR_PORT}/${isolate}`);
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve);
    socket.addEventListener("error", reject);
  });
  let lastId = 0;
  const pending = new Map<number, (result: unknown) => void>();
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) pending.get(message.id)?.(message.result);
  });
  const send = <T>(method: string, params: object = {}) =>
    new Promise<T>((resolve) => {
      const id = ++lastId;
      pending.set(id, resolve as (result: unknown) => void);
      socket.send(JSON.stringify({ id, method, params }));
    });
  return { send, close: () => socket.close() };
}

/** The target's isolate profiled while it is driven for PROFILE_MS, after a warm-up. */
async function profile(target: Target, isolate: string): Promise<CpuProfile> {
  await bench.sample(target, 1000);
  const session = await inspect(isolate);
  await session.send("Profiler.enable");
  await session.send("Profiler.setSamplingInterval", { interval: 100 });
  await session.send("Profiler.start");
  await bench.sample(target, PROFILE_MS);
  const { profile } = await session.send<{ profile: CpuProfile }>("Profiler.stop");
  session.close();
  const file = join(tmpdir(), `${isolate.replace(/\W+/g, "-")}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  console.log(`${target.name}: ${file}`);
  return profile;
}

/** The module each line of the bundle belongs to, from esbuild's `// <path>` comments. */
function bundleModules(bundle: string): string[] {
  let module = "(bundle prelude)";
  return bundle.split("\n").map((line) => {
    const path = /^\/\/ ((?:src|web|node_modules)\/\S+)$/.exec(line)?.[1];
    if (path)
      module = path.startsWith("node_modules/")
        ? path
            .split("/")
            .slice(1, path.startsWith("node_modules/@") ? 3 : 2)
            .join("/")
        : path;
    return module;
  });
}

/** Each module's share of the isolate's busy samples (idle left out), largest first. */
function shares(profile: CpuProfile, moduleAt: (url: string, line: number) => string): Map<string, number> {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map(profile.nodes.flatMap((node) => (node.children ?? []).map((child) => [child, node.id] as const)));
  const micros = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    let node = nodes.get(id);
    const leaf = node?.callFrame.functionName ?? "";
    if (leaf === "(idle)") return;
    while (node && !node.callFrame.url) node = nodes.get(parents.get(node.id) ?? -1);
    const group = node ? moduleAt(node.callFrame.url, node.callFrame.lineNumber) : leaf || "(native)";
    const delta = profile.timeDeltas[i] ?? 0;
    micros.set(group, (micros.get(group) ?? 0) + delta);
    busy += delta;
  });
  return new Map([...micros].sort((a, b) => b[1] - a[1]).map(([group, time]) => [group, time / busy]));
}

const modules = bundleModules(readFileSync(bench.worker.bundlePath, "utf8"));
const bundleName = basename(bench.worker.bundlePath);
// Lines name modules only in our bundle; a ceiling's own script is its own group.
const moduleAt = (url: string, line: number) => {
  if (url.startsWith("cloudflare-internal:") || url.startsWith("node-internal:")) return `runtime: ${url.split(":")[1]}`;
  return url.endsWith(bundleName) ? (modules[line] ?? url) : url;
};

const ours = shares(await profile(endpoint, "core:user:main"), moduleAt);
const ceiling = shares(await profile(bench.ceilings.auditedD1Read, "core:user:audited-d1-read-ceiling"), moduleAt);

const percent = (share = 0) => `${(share * 100).toFixed(1)}%`.padStart(7);
console.log(`\nshare of each isolate's busy samples (${PROFILE_MS} ms each, sampled every 100 µs)\n`);
console.log(`${"module".padEnd(48)}${endpoint.name.slice(0, 14).padStart(14)} ${"ceiling".padStart(8)}`);
for (const [group, share] of [...ours].slice(0, TOP))
  console.log(`${group.padEnd(48)}${percent(share).padStart(14)} ${percent(ceiling.get(group)).padStart(8)}`);
const ourCode = [...ours]
  .filter(([group]) => !group.startsWith("runtime: ") && !group.startsWith("("))
  .reduce((sum, [, share]) => sum + share, 0);
console.log(`\nthe bundle's own code (src/ and its packages): ${percent(ourCode).trim()} of the Worker's busy samples`);
