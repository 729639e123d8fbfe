import { describe, expect, it } from "vitest";
import { toHex } from "../../../src/crypto/encoding";
import { buildAgoraRtcToken } from "../../../src/providers/agora/access-token";
import { inflateToken, officialVectors } from "./official-vectors";

const appId = "970ca35de60c44645bbae8a215061b33";
const appCertificate = "5cfd2fd1755d40ecb72977518be15d3b";
const input = {
  appId,
  appCertificate,
  channelName: "appointment-7",
  uid: 42,
  role: "publisher",
  tokenExpireSeconds: 4800,
  privilegeExpireSeconds: 4800,
  now: 1_763_800_000,
} as const;

describe("buildAgoraRtcToken", () => {
  it.each(officialVectors)("reproduces Agora's published vector for $name", async ({ input: vectorInput, token: official }) => {
    const { token, expiresAt } = await buildAgoraRtcToken(vectorInput);
    expect(token.startsWith("007")).toBe(true);
    expect(toHex(await inflateToken(token))).toBe(toHex(await inflateToken(official)));
    expect(expiresAt).toBe(1111111 + 600);
  });

  it("issues at `now` unless told otherwise", async () => {
    const fromClock = await buildAgoraRtcToken({ ...input, now: input.now + 0.7, salt: 5 });
    const explicit = await buildAgoraRtcToken({ ...input, now: 0, issueTs: input.now, salt: 5 });
    expect(fromClock.token).toBe(explicit.token);
    expect(fromClock.expiresAt).toBe(input.now + 4800);
  });

  it("salts every token differently by default", async () => {
    const first = await buildAgoraRtcToken(input);
    const second = await buildAgoraRtcToken(input);
    expect(first.token).not.toBe(second.token);
  });

  it("gives a publisher more than a subscriber", async () => {
    const publisher = await inflateToken((await buildAgoraRtcToken({ ...input, salt: 5 })).token);
    const subscriber = await inflateToken((await buildAgoraRtcToken({ ...input, role: "subscriber", salt: 5 })).token);
    // Three more (uint16 privilege, uint32 expiry) entries.
    expect(publisher.length - subscriber.length).toBe(3 * 6);
  });

  const badCredentials = "Agora app ID and app certificate must be 32 hex characters";
  const badUid = "Agora uid must be an unsigned 32-bit integer";
  it.each([
    ["a short app ID", { appId: "970ca35de60c" }, badCredentials],
    ["a non-hex certificate", { appCertificate: "z".repeat(32) }, badCredentials],
    ["a negative uid", { uid: -1 }, badUid],
    ["a uid past 32 bits", { uid: 2 ** 32 }, badUid],
    ["a fractional uid", { uid: 1.5 }, badUid],
  ])("refuses %s", async (_, override, message) => {
    await expect(buildAgoraRtcToken({ ...input, ...override })).rejects.toThrow(new Error(message));
  });
});
