import { describe, expect, it } from "vitest";
import { type FormParams, twilioSignature, verifyTwilioSignature } from "../../../src/providers/twilio/webhook-signature";

// The vectors of twilio-node's own suite (spec/validation.spec.js).
const authToken = "12345";
const url = "https://mycompany.com/myapp.php?foo=1&bar=2";
const params: FormParams = [
  ["CallSid", "CA1234567890ABCDE"],
  ["Caller", "+14158675309"],
  ["Digits", "1234"],
  ["From", "+14158675309"],
  ["To", "+18005551212"],
];
const signature = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

const verify = (overrides: Partial<Parameters<typeof verifyTwilioSignature>[0]>) =>
  verifyTwilioSignature({ authToken, url, params, signature, ...overrides });

describe("twilioSignature", () => {
  it("reproduces Twilio's vector whatever order the fields arrive in", async () => {
    expect(await twilioSignature(authToken, url, params)).toBe(signature);
    expect(await twilioSignature(authToken, url, [...params].reverse())).toBe(signature);
  });

  it("signs a repeated field once per distinct value, values sorted", async () => {
    const addresses: FormParams = [
      ["MessagingBinding.Address", "+1415xxxxxxx"],
      ["MessagingBinding.Address", "+1325xxxxxxx"],
    ];
    expect(await twilioSignature(authToken, url, addresses)).toBe("83O6e2vORAoJHUNzJjDWN1jz+BA=");
    const repeated: FormParams = [
      ["Sid", "CA123"],
      ["SidAccount", "AC123"],
      ["Digits", "5678"],
      ["Digits", "1234"],
      ["Digits", "1234"],
    ];
    expect(await twilioSignature(authToken, url, repeated)).toBe("IK+Dwps556ElfBT0I3Rgjkr1wJU=");
  });

  it("signs the URL exactly as given, credentials and unescaped characters included", async () => {
    expect(await twilioSignature(authToken, "https://user:pass@mycompany.com/myapp.php?foo=1&bar=2", params)).toBe(
      "CukzLTc1tT5dXEDIHm/tKBanW10=",
    );
    expect(await twilioSignature(authToken, `${url}&Body=It's+amazing`, params)).toBe("dsq4Ehbj6cs+KdTkpF5sSSplOWw=");
  });
});

describe("verifyTwilioSignature", () => {
  it("accepts Twilio's signature", async () => {
    expect(await verify({})).toBe(true);
  });

  it("accepts the URL with and without the default port, as Twilio's validator does", async () => {
    // Signed with :443, received without it; and the reverse.
    expect(await verify({ signature: "kvajT1Ptam85bY51eRf/AJRuM3w=" })).toBe(true);
    expect(await verify({ url: "https://mycompany.com:443/myapp.php?foo=1&bar=2" })).toBe(true);
    expect(await verify({ url: "http://mycompany.com/myapp.php?foo=1&bar=2", signature: "0ZXoZLH/DfblKGATFgpif+LLRf4=" })).toBe(true);
    expect(await verify({ url: "https://user:pass@mycompany.com/myapp.php?foo=1&bar=2", signature: "ZQFR1PTIZXF2MXB8ZnKCvnnA+rI=" })).toBe(
      true,
    );
  });

  it("accepts a URL with any port when Twilio signed it with or without that port", async () => {
    expect(await verify({ url: "https://mycompany.com:1234/myapp.php?foo=1&bar=2" })).toBe(true);
    expect(await verify({ url: "http://mycompany.com:1234/myapp.php?foo=1&bar=2", signature: "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=" })).toBe(true);
  });

  it("rejects a tampered field, an added field or a dropped field", async () => {
    expect(await verify({ params: params.map(([name, value]) => [name, name === "Digits" ? "9999" : value]) })).toBe(false);
    expect(await verify({ params: [...params, ["Extra", "1"]] })).toBe(false);
    expect(await verify({ params: params.slice(1) })).toBe(false);
  });

  it("rejects another URL, another token, and a missing or malformed signature", async () => {
    expect(await verify({ url: "https://mycompany.com/myapp.php?foo=1&bar=3" })).toBe(false);
    expect(await verify({ url: "https://evil.example/myapp.php?foo=1&bar=2" })).toBe(false);
    expect(await verify({ authToken: "54321" })).toBe(false);
    expect(await verify({ signature: undefined })).toBe(false);
    expect(await verify({ signature: null })).toBe(false);
    expect(await verify({ signature: "" })).toBe(false);
    expect(await verify({ signature: "WRONG_SIGNATURE" })).toBe(false);
    expect(await verify({ signature: "not base64 at all!" })).toBe(false);
    expect(await verify({ signature: signature.slice(0, -2) })).toBe(false);
  });
});
