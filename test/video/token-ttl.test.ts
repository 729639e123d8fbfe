import { describe, expect, it } from "vitest";
import { tokenTtlMinutes } from "../../src/video/token-ttl";

describe("tokenTtlMinutes", () => {
  it.each([
    [15, 60],
    [30, 60],
    [31, 61],
    [50, 80],
    [90, 120],
    [209, 239],
    [210, 240],
    [240, 240],
  ])("gives a %i-minute session a %i-minute token", (durationMinutes, ttlMinutes) => {
    expect(tokenTtlMinutes(durationMinutes)).toBe(ttlMinutes);
  });
});
