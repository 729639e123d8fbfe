/**
 * Every hot endpoint through the built Worker in workerd (Miniflare's API), against ceilings in
 * the same runtime and run (support/http-bench.ts, support/ceiling-workers.ts):
 * `npm run bench:http`. Each target is driven with 32 requests outstanding for SAMPLE_MS; rounds
 * alternate the ceilings and the endpoints, and the median round's req/s and runtime CPU per
 * request are printed with p50/p99 over all rounds and the ratio to the D1 ceiling (target ≥ 0.9x).
 */
import { cpus } from "node:os";
import { CEILING_AUDIT_OUTCOME } from "./support/ceiling-workers";
import { IN_FLIGHT, startHttpBench } from "./support/http-bench";

const SAMPLE_MS = Number(process.env.SAMPLE_MS ?? 2000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const TARGET = 0.9;

await using bench = await startHttpBench();
const { worker, ceilings, health, endpoints, sample } = bench;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

// LOUD=1 prints the Workers' logs (a lost audit write says so there).
// ONLY=<regex> measures the endpoints whose names match (with every ceiling), when working on a few.
const only = process.env.ONLY ? new RegExp(process.env.ONLY, "i") : undefined;
const targets = [
  ceilings.constant,
  ceilings.d1Read,
  ceilings.limitedD1Read,
  ceilings.auditedD1Read,
  health,
  ...endpoints.filter((endpoint) => !only || only.test(endpoint.name)),
];
const results = new Map(targets.map((target) => [target, { rounds: [] as number[], cpu: [] as number[], latencies: [] as number[] }]));
for (const target of targets) await sample(target, SAMPLE_MS / 4, []);
for (let round = 0; round < ROUNDS; round++)
  for (const target of targets) {
    const result = results.get(target)!;
    const { perSecond, cpuMicros } = await sample(target, SAMPLE_MS, result.latencies);
    result.rounds.push(perSecond);
    result.cpu.push(cpuMicros);
  }

console.log(
  `node ${process.version}, ${cpus().length} CPUs; the built Worker and its ceilings in one workerd via Miniflare; ` +
    `${IN_FLIGHT} in flight, ${ROUNDS} rounds of ${SAMPLE_MS} ms, median round shown, latency over all rounds; ` +
    "CPU: the runtime's CPU time per request, median round\n",
);
const d1Ceiling = median(results.get(ceilings.d1Read)!.rounds);
const limitedCeiling = median(results.get(ceilings.limitedD1Read)!.rounds);
const auditedCeiling = median(results.get(ceilings.auditedD1Read)!.rounds);
const auditedCeilingCpu = median(results.get(ceilings.auditedD1Read)!.cpu);
console.log(
  `${"".padEnd(30)}${"req/s".padStart(7)}  ${"p50 ms".padStart(7)} ${"p99 ms".padStart(7)} ${"CPU µs".padStart(7)}  ${"D1 reads".padEnd(16)} ` +
    `${"vs D1 ceiling".padEnd(32)} ${"vs limit + D1".padEnd(14)} ${"vs limit + D1 + audit".padEnd(22)} its CPU vs ours`,
);
for (const target of targets) {
  const { rounds, cpu, latencies } = results.get(target)!;
  const perSecond = median(rounds);
  const cpuMicros = median(cpu);
  const sorted = latencies.sort((a, b) => a - b);
  const ratio = perSecond / d1Ceiling;
  const verdict = endpoints.includes(target) ? ` (target ${TARGET.toFixed(1)}x: ${ratio >= TARGET ? "met" : "NOT met"})` : "";
  const againstAudited = target.limited && target.audited;
  console.log(
    `${target.name.padEnd(30)}${Math.round(perSecond).toLocaleString("en-US").padStart(7)}  ${percentile(sorted, 0.5).toFixed(1).padStart(7)} ` +
      `${percentile(sorted, 0.99).toFixed(1).padStart(7)} ${Math.round(cpuMicros).toLocaleString("en-US").padStart(7)}  ${target.reads.padEnd(16)} ` +
      `${`${ratio.toFixed(2)}x${verdict}`.padEnd(32)} ` +
      (target.limited ? `${(perSecond / limitedCeiling).toFixed(2)}x`.padEnd(14) : "".padEnd(14)) +
      (againstAudited ? ` ${`${(perSecond / auditedCeiling).toFixed(2)}x`.padEnd(22)} ${(auditedCeilingCpu / cpuMicros).toFixed(2)}x` : ""),
  );
}
// The last requests' audit rows are written after their answers: give them a moment.
let stored = 0;
for (let wait = 0; wait < 50 && stored < bench.auditedAnswers(); wait++) {
  await new Promise((resolve) => setTimeout(resolve, 100));
  stored =
    (
      await worker.db
        .prepare("SELECT COUNT(*) AS n FROM audit_events WHERE outcome != ?")
        .bind(CEILING_AUDIT_OUTCOME)
        .first<{ n: number }>()
    )?.n ?? 0;
}
console.log(`\naudit events stored: ${stored} of ${bench.auditedAnswers()} audited requests answered`);
