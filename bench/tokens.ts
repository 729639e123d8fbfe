/**
 * Our token builders against the official Node SDKs, side by side in one run:
 * `npm run bench:tokens`. Each builder is measured one call at a time (latency-bound, as one
 * request sees it) and with many calls in flight (throughput, as a busy isolate sees it; Node
 * runs WebCrypto on its thread pool, so overlapping calls matters there). Rounds alternate ours
 * and theirs in Node and ours in workerd (bench/tokens-worker, the same sampling loop run inside
 * the Worker); the median round is printed. The SDKs do not run in workerd, so
 * the ratio and its target are Node's. Last, the options weighed for the builders' costly
 * steps, in both runtimes: why src/crypto/hmac.ts and src/providers/agora/zlib-stored.ts.
 */
import agoraToken from "agora-token";
import twilio from "twilio";
import { type RunningWorker, startWorker } from "./support/built-worker";
import { agoraApp, opsPerSecond, ourBuilders, steps, twilioAccount, type Work } from "./support/token-work";

// agora-token is CommonJS whose exports Node cannot list for named ESM imports.
const { RtcRole, RtcTokenBuilder } = agoraToken;

const SAMPLE_MS = 1000;
const ROUNDS = 5;
const IN_FLIGHT = 64;
const STEP_SAMPLE_MS = 300;

const contenders: { name: keyof typeof ourBuilders; official: Work; target: number }[] = [
  {
    name: "Twilio Video access token",
    target: 1.0,
    official: () => {
      const token = new twilio.jwt.AccessToken(twilioAccount.accountSid, twilioAccount.apiKeySid, twilioAccount.apiKeySecret, {
        identity: "patient-42",
        ttl: 4800,
      });
      token.addGrant(new twilio.jwt.AccessToken.VideoGrant({ room: "appointment-7" }));
      return token.toJwt();
    },
  },
  {
    name: "Agora RTC token (publisher)",
    target: 1.0,
    official: () =>
      RtcTokenBuilder.buildTokenWithUid(agoraApp.appId, agoraApp.appCertificate, "appointment-7", 42, RtcRole.PUBLISHER, 4800, 4800),
  },
];

/** Calls per second in workerd over one sample, timed by the bench Worker. */
async function workerdOpsPerSecond(worker: RunningWorker, work: string, inFlight: number, sampleMs: number): Promise<number> {
  const response = await worker.fetch(`https://tokens.bench/?work=${encodeURIComponent(work)}&inFlight=${inFlight}&sampleMs=${sampleMs}`);
  if (!response.ok) throw new Error(`${work}: ${response.status} ${await response.text()}`);
  return response.json<number>();
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const format = (opsPerSec: number) => Math.round(opsPerSec).toLocaleString("en-US").padStart(9);
const modeName = (inFlight: number) => (inFlight === 1 ? "1 at a time" : `${inFlight} in flight`).padEnd(12);

await using worker = await startWorker({ configPath: "bench/tokens-worker/wrangler.toml" });
console.log(`node ${process.version} and workerd, ${ROUNDS} rounds of ${SAMPLE_MS} ms each, median shown\n`);
for (const { name, official, target } of contenders) {
  const ours = ourBuilders[name];
  for (const inFlight of [1, IN_FLIGHT]) {
    await opsPerSecond(ours, inFlight, SAMPLE_MS / 2);
    await opsPerSecond(official, inFlight, SAMPLE_MS / 2);
    await workerdOpsPerSecond(worker, name, inFlight, SAMPLE_MS / 2);
    const rounds = { ours: [] as number[], official: [] as number[], workerd: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      rounds.ours.push(await opsPerSecond(ours, inFlight, SAMPLE_MS));
      rounds.official.push(await opsPerSecond(official, inFlight, SAMPLE_MS));
      rounds.workerd.push(await workerdOpsPerSecond(worker, name, inFlight, SAMPLE_MS));
    }
    const ratio = median(rounds.ours) / median(rounds.official);
    console.log(
      `${name.padEnd(28)} ${modeName(inFlight)} node: ours ${format(median(rounds.ours))} ops/s   official ${format(median(rounds.official))} ops/s   ` +
        `ours/official ${ratio.toFixed(2)}x (target ${target.toFixed(1)}x: ${ratio >= target ? "met" : "NOT met"})   ` +
        `workerd: ours ${format(median(rounds.workerd))} ops/s`,
    );
  }
}

console.log("\nThe options for each step, ops/s:");
for (const inFlight of [1, IN_FLIGHT]) {
  for (const [name, step] of Object.entries(steps)) {
    await opsPerSecond(step, inFlight, STEP_SAMPLE_MS);
    await workerdOpsPerSecond(worker, name, inFlight, STEP_SAMPLE_MS);
    const node: number[] = [];
    const workerd: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      node.push(await opsPerSecond(step, inFlight, STEP_SAMPLE_MS));
      workerd.push(await workerdOpsPerSecond(worker, name, inFlight, STEP_SAMPLE_MS));
    }
    console.log(`${name.padEnd(42)} ${modeName(inFlight)} node ${format(median(node))}   workerd ${format(median(workerd))}`);
  }
}
