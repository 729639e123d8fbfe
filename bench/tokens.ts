/**
 * Our WebCrypto token builders against the official Node SDKs, side by side in one process:
 * `npm run bench:tokens`. Each builder is measured one call at a time (latency-bound, as one
 * request sees it) and with many calls in flight (throughput, as a busy isolate sees it; Node
 * runs WebCrypto on its thread pool, so overlapping calls matters there and not for the
 * synchronous SDKs). Rounds alternate ours and theirs; the median round is printed.
 */
import agoraToken from "agora-token";
import twilio from "twilio";
import { buildAgoraRtcToken } from "../src/providers/agora/access-token";
import { buildTwilioAccessToken } from "../src/providers/twilio/access-token";

// agora-token is CommonJS whose exports Node cannot list for named ESM imports.
const { RtcRole, RtcTokenBuilder } = agoraToken;

const SAMPLE_MS = 1000;
const ROUNDS = 5;
const IN_FLIGHT = 64;

const twilioAccount = {
  accountSid: "AC00000000000000000000000000000001",
  apiKeySid: "SK00000000000000000000000000000002",
  apiKeySecret: "api-key-secret",
};
const agoraApp = { appId: "970ca35de60c44645bbae8a215061b33", appCertificate: "5cfd2fd1755d40ecb72977518be15d3b" };
const unixNow = () => Math.floor(Date.now() / 1000);

type Build = () => unknown;

const contenders: { name: string; ours: Build; official: Build; target: number }[] = [
  {
    name: "Twilio Video access token",
    target: 1.0,
    ours: () =>
      buildTwilioAccessToken({ ...twilioAccount, identity: "patient-42", room: "appointment-7", ttlSeconds: 4800, now: unixNow() }),
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
    ours: () =>
      buildAgoraRtcToken({
        ...agoraApp,
        channelName: "appointment-7",
        uid: 42,
        role: "publisher",
        tokenExpireSeconds: 4800,
        privilegeExpireSeconds: 4800,
        now: unixNow(),
      }),
    official: () =>
      RtcTokenBuilder.buildTokenWithUid(agoraApp.appId, agoraApp.appCertificate, "appointment-7", 42, RtcRole.PUBLISHER, 4800, 4800),
  },
];

/** Calls per second over one sample, keeping `inFlight` calls outstanding at a time. */
async function opsPerSecond(build: Build, inFlight: number, sampleMs: number): Promise<number> {
  let calls = 0;
  const started = performance.now();
  while (performance.now() - started < sampleMs) {
    await Promise.all(Array.from({ length: inFlight }, build));
    calls += inFlight;
  }
  return (calls * 1000) / (performance.now() - started);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const format = (opsPerSec: number) => Math.round(opsPerSec).toLocaleString("en-US").padStart(9);

console.log(`node ${process.version}, ${ROUNDS} rounds of ${SAMPLE_MS} ms each, median shown\n`);
for (const { name, ours, official, target } of contenders) {
  for (const inFlight of [1, IN_FLIGHT]) {
    await opsPerSecond(ours, inFlight, SAMPLE_MS / 2);
    await opsPerSecond(official, inFlight, SAMPLE_MS / 2);
    const oursRounds: number[] = [];
    const officialRounds: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      oursRounds.push(await opsPerSecond(ours, inFlight, SAMPLE_MS));
      officialRounds.push(await opsPerSecond(official, inFlight, SAMPLE_MS));
    }
    const ratio = median(oursRounds) / median(officialRounds);
    const mode = inFlight === 1 ? "1 at a time" : `${inFlight} in flight`;
    console.log(
      `${name.padEnd(28)} ${mode.padEnd(12)} ours ${format(median(oursRounds))} ops/s   official ${format(median(officialRounds))} ops/s   ` +
        `ours/official ${ratio.toFixed(2)}x (target ${target.toFixed(1)}x: ${ratio >= target ? "met" : "NOT met"})`,
    );
  }
}
