import { describe, expect, it } from "vitest";
import { utf8 } from "../../../src/crypto/encoding";
import { verifyAgoraNcsSignature } from "../../../src/providers/agora/ncs-signature";

// The example of Agora's "verify the signature" page (secret "secret").
const secret = "secret";
const rawBody =
  '{"eventType":10,"noticeId":"4eb720f0-8da7-11e9-a43e-53f411c2761f","notifyMs":1560408533119,"payload":{"a":"1","b":2},"productId":1}';
const signatureV2 = "de96da5acf03b0021ac3b4fa2225e7ae6f3533a30d50bb02c08ea4fa748bda24";
const signatureV1 = "5a3bb6a6d9fad2ea9ae3fb707a14c9d7f3136df1";

const verify = (overrides: Partial<Parameters<typeof verifyAgoraNcsSignature>[0]>) =>
  verifyAgoraNcsSignature({ secret, rawBody, ...overrides });

describe("verifyAgoraNcsSignature", () => {
  it("accepts Agora's V2 (HMAC-SHA256) signature, as text or bytes, in either hex case", async () => {
    expect(await verify({ signatureV2 })).toBe(true);
    expect(await verify({ signatureV2, rawBody: utf8(rawBody) })).toBe(true);
    expect(await verify({ signatureV2: signatureV2.toUpperCase() })).toBe(true);
  });

  it("falls back to the V1 (HMAC-SHA1) signature only when V2 is absent", async () => {
    expect(await verify({ signatureV1 })).toBe(true);
    expect(await verify({ signatureV2: null, signatureV1 })).toBe(true);
    expect(await verify({ signatureV2: "00".repeat(32), signatureV1 })).toBe(false);
    expect(await verify({ signatureV2: "", signatureV1 })).toBe(false);
  });

  it("rejects a tampered body, another secret, and missing or malformed signatures", async () => {
    expect(await verify({ signatureV2, rawBody: rawBody.replace('"b":2', '"b":3') })).toBe(false);
    expect(await verify({ signatureV1, rawBody: `${rawBody} ` })).toBe(false);
    expect(await verify({ signatureV2, secret: "another" })).toBe(false);
    expect(await verify({})).toBe(false);
    expect(await verify({ signatureV2: signatureV1 })).toBe(false);
    expect(await verify({ signatureV2: "zz".repeat(32) })).toBe(false);
    expect(await verify({ signatureV2: signatureV2.slice(1) })).toBe(false);
  });
});
