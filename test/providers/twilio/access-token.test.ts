import { describe, expect, it } from "vitest";
import { buildTwilioAccessToken } from "../../../src/providers/twilio/access-token";
import { decodeJwt, verifiesHs256 } from "./decode-jwt";

const input = {
  accountSid: "AC00000000000000000000000000000001",
  apiKeySid: "SK00000000000000000000000000000002",
  apiKeySecret: "test-twilio-api-key-secret",
  identity: "patient-42",
  room: "appointment-7",
  ttlSeconds: 4800,
  now: 1_763_800_000,
};

describe("buildTwilioAccessToken", () => {
  it("writes Twilio's header and a video grant for the identity and room", async () => {
    const { token, expiresAt } = await buildTwilioAccessToken(input);
    const { header, payload } = decodeJwt(token);

    expect(token.split(".")[0]).toBe(btoa('{"alg":"HS256","typ":"JWT","cty":"twilio-fpa;v=1"}').replace(/=+$/, ""));
    expect(header).toEqual({ alg: "HS256", typ: "JWT", cty: "twilio-fpa;v=1" });
    expect(payload).toEqual({
      jti: `${input.apiKeySid}-${input.now}`,
      grants: { identity: "patient-42", video: { room: "appointment-7" } },
      iat: input.now,
      exp: input.now + 4800,
      iss: input.apiKeySid,
      sub: input.accountSid,
    });
    expect(expiresAt).toBe(input.now + 4800);
  });

  it("signs with the API key secret and nothing else", async () => {
    const { token } = await buildTwilioAccessToken(input);
    expect(await verifiesHs256(token, input.apiKeySecret)).toBe(true);
    expect(await verifiesHs256(token, "another-secret")).toBe(false);
  });

  it("keeps whole seconds when given a fractional clock", async () => {
    const { payload } = decodeJwt((await buildTwilioAccessToken({ ...input, now: input.now + 0.9 })).token);
    expect(payload.iat).toBe(input.now);
    expect(payload.jti).toBe(`${input.apiKeySid}-${input.now}`);
  });

  it("carries non-ASCII identities and rooms intact", async () => {
    const { token } = await buildTwilioAccessToken({ ...input, identity: "Zoë Ω", room: "sala-ñ" });
    expect(decodeJwt(token).payload.grants).toEqual({ identity: "Zoë Ω", video: { room: "sala-ñ" } });
    expect(await verifiesHs256(token, input.apiKeySecret)).toBe(true);
  });
});
