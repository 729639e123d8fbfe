import { RtcRole, RtcTokenBuilder } from "agora-token";
import { AccessToken2, kRtcServiceType, ServiceRtc } from "agora-token/src/AccessToken2.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { toHex } from "../../../src/crypto/encoding";
import { buildAgoraRtcToken } from "../../../src/providers/agora/access-token";
import { inflateToken, officialVectors } from "./official-vectors";

const appId = "970ca35de60c44645bbae8a215061b33";
const appCertificate = "5cfd2fd1755d40ecb72977518be15d3b";
const now = 1_763_800_000;
const input = {
  appId,
  appCertificate,
  channelName: "appointment-7",
  uid: 2882341273,
  role: "publisher",
  tokenExpireSeconds: 4800,
  privilegeExpireSeconds: 3600,
  now,
} as const;

function parse(token: string): AccessToken2 {
  const parsed = new AccessToken2("", "", 0, 0);
  expect(parsed.from_string(token)).toBe(true);
  return parsed;
}

describe("buildAgoraRtcToken against agora-token", () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it("parses, verifies with the certificate and carries join and publish privileges", async () => {
    const { token } = await buildAgoraRtcToken({ ...input, salt: 77 });
    const parsed = parse(token);
    const [rtc, ...others] = parsed.getServices(kRtcServiceType);

    expect(parsed.verifySignature(appCertificate)).toBe(true);
    expect(parsed.verifySignature("0".repeat(32))).toBe(false);
    expect({ appId: String(parsed.appId), issueTs: parsed.issueTs, expire: parsed.expire, salt: parsed.salt }).toEqual({
      appId,
      issueTs: now,
      expire: 4800,
      salt: 77,
    });
    expect(others).toEqual([]);
    expect(String(rtc?.__channel_name)).toBe("appointment-7");
    expect(String(rtc?.__uid)).toBe("2882341273");
    expect(rtc?.__privileges).toEqual({
      [ServiceRtc.kPrivilegeJoinChannel]: 3600,
      [ServiceRtc.kPrivilegePublishAudioStream]: 3600,
      [ServiceRtc.kPrivilegePublishVideoStream]: 3600,
      [ServiceRtc.kPrivilegePublishDataStream]: 3600,
    });
  });

  it("gives a subscriber only the join privilege", async () => {
    const rtc = parse((await buildAgoraRtcToken({ ...input, role: "subscriber" })).token).getServices(kRtcServiceType)[0];
    expect(rtc?.__privileges).toEqual({ [ServiceRtc.kPrivilegeJoinChannel]: 3600 });
  });

  it.each([
    ["publisher", 2882341273, RtcRole.PUBLISHER],
    ["subscriber", 0, RtcRole.SUBSCRIBER],
  ] as const)("holds the same bytes as RtcTokenBuilder.buildTokenWithUid for a %s with uid %i", async (role, uid, officialRole) => {
    // Pin the SDK's clock and make its salt 1 (it draws floor(random * 99999999) + 1).
    vi.useFakeTimers({ toFake: ["Date"], now: now * 1000 });
    vi.spyOn(Math, "random").mockReturnValue(0);
    const official = RtcTokenBuilder.buildTokenWithUid(appId, appCertificate, "appointment-7", uid, officialRole, 4800, 3600);
    const { token } = await buildAgoraRtcToken({ ...input, role, uid, salt: 1 });

    expect(toHex(await inflateToken(token))).toBe(toHex(await inflateToken(official)));
  });

  it.each(officialVectors)("reproduces Agora's published vector for $name in Node too", async ({ input: vectorInput, token: official }) => {
    const { token } = await buildAgoraRtcToken(vectorInput);
    expect(toHex(await inflateToken(token))).toBe(toHex(await inflateToken(official)));
    expect(parse(token).verifySignature(vectorInput.appCertificate)).toBe(true);
  });
});
