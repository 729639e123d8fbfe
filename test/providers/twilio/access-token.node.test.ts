import twilio from "twilio";
import { afterEach, describe, expect, it, vi } from "vitest";
import { buildTwilioAccessToken } from "../../../src/providers/twilio/access-token";
import { decodeJwt, verifiesHs256 } from "./decode-jwt";

const { AccessToken } = twilio.jwt;
const now = 1_763_800_000;

/** The official SDK's token for the same inputs, with its clock pinned to `now`. */
function officialToken(identity: string, room: string, ttlSeconds: number): string {
  vi.useFakeTimers({ toFake: ["Date"], now: now * 1000 });
  const token = new AccessToken("AC00000000000000000000000000000001", "SK00000000000000000000000000000002", "api-key-secret", {
    identity,
    ttl: ttlSeconds,
  });
  token.addGrant(new AccessToken.VideoGrant({ room }));
  return token.toJwt();
}

describe("buildTwilioAccessToken against the twilio SDK", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    ["patient-42", "appointment-7", 3600],
    ["Zoë Ω", "sala-ñ", 14_400],
  ])("builds the same token as AccessToken + VideoGrant for %s in %s", async (identity, room, ttlSeconds) => {
    const official = officialToken(identity, room, ttlSeconds);
    const { token } = await buildTwilioAccessToken({
      accountSid: "AC00000000000000000000000000000001",
      apiKeySid: "SK00000000000000000000000000000002",
      apiKeySecret: "api-key-secret",
      identity,
      room,
      ttlSeconds,
      now,
    });

    expect(decodeJwt(token).header).toEqual(decodeJwt(official).header);
    expect(decodeJwt(token).payload).toEqual(decodeJwt(official).payload);
    expect(token).toBe(official);
    expect(await verifiesHs256(token, "api-key-secret")).toBe(true);
  });
});
