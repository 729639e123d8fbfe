import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("GET /health", () => {
  it("answers ok after a D1 round trip", async () => {
    const response = await exports.default.fetch("http://api.test/health");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", database: "ok" });
  });

  it("answers unknown routes with a JSON 404", async () => {
    const response = await exports.default.fetch("http://api.test/nope");
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: "Not found" });
  });
});
