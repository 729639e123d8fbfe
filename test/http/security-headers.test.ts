import { describe, expect, it } from "vitest";
import { call } from "../support/api";
import { createUser } from "../support/fixtures";

const everywhere = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "strict-transport-security": "max-age=63072000; includeSubDomains",
  "x-frame-options": "DENY",
};

describe("security headers", () => {
  it("keeps API bodies (health data, tokens) out of every cache, errors included", async () => {
    const patient = await createUser("patient");
    for (const response of [
      await call("/api/users/me", { as: patient }),
      await call("/api/appointments/999999/", { as: patient }),
      await call("/api/users/me"),
    ]) {
      expect(response.headers.get("cache-control")).toBe("no-store");
      for (const [name, value] of Object.entries(everywhere)) expect(response.headers.get(name), name).toBe(value);
    }
  });

  it("sends no sniffing, no referrer, HSTS and no framing on the Worker's own pages too", async () => {
    const docs = await call("/docs");
    for (const [name, value] of Object.entries(everywhere)) expect(docs.headers.get(name), name).toBe(value);
    expect(docs.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });
});
