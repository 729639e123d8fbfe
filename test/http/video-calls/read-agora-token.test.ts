import { describe, expect, it } from "vitest";
import { buildAgoraRtcToken } from "../../../src/providers/agora/access-token";
import { officialVectors } from "../../providers/agora/official-vectors";
import { readAgoraToken } from "./read-agora-token";

// The reader the call tests rely on, checked against Agora's published tokens so it cannot agree with a wrong builder.
describe("readAgoraToken", () => {
  it("reads Agora's published vector and checks its signature", async () => {
    const [vector] = officialVectors;
    const contents = await readAgoraToken(vector!.token, vector!.input.appCertificate);
    expect(contents).toEqual({
      appId: vector!.input.appId,
      issueTs: 1111111,
      expireSeconds: 600,
      serviceCount: 1,
      serviceType: 1,
      privileges: { 1: 600 },
      channelName: vector!.input.channelName,
      uid: "2882341273",
      signedWithCertificate: true,
    });
    expect((await readAgoraToken(vector!.token, "0".repeat(32))).signedWithCertificate).toBe(false);
  });

  it("reads a publisher token's four privileges", async () => {
    const { token } = await buildAgoraRtcToken({
      appId: "970ca35de60c44645bbae8a215061b33",
      appCertificate: "5cfd2fd1755d40ecb72977518be15d3b",
      channelName: "call_1",
      uid: 7,
      role: "publisher",
      tokenExpireSeconds: 100,
      privilegeExpireSeconds: 90,
      now: 1_800_000_000,
    });
    const contents = await readAgoraToken(token, "5cfd2fd1755d40ecb72977518be15d3b");
    expect(contents).toMatchObject({
      issueTs: 1_800_000_000,
      expireSeconds: 100,
      privileges: { 1: 90, 2: 90, 3: 90, 4: 90 },
      uid: "7",
      signedWithCertificate: true,
    });
  });
});
