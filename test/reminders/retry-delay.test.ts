import { describe, expect, it } from "vitest";
import { classifySendFailure, type SendFailure } from "../../src/providers/send-result";
import { retryDelaySeconds } from "../../src/reminders/retry-delay";

describe("classifySendFailure", () => {
  it.each<[SendFailure, "retry" | "permanent"]>([
    [{ networkError: true }, "retry"],
    [{ status: 429 }, "retry"],
    [{ status: 429, providerCode: 20429 }, "retry"],
    [{ status: 408 }, "retry"],
    [{ status: 500 }, "retry"],
    [{ status: 502 }, "retry"],
    [{ status: 503 }, "retry"],
    [{}, "retry"],
    [{ status: 400 }, "permanent"],
    [{ status: 401 }, "permanent"],
    [{ status: 404 }, "permanent"],
    [{ status: 422 }, "permanent"],
    [{ status: 400, providerCode: 21211 }, "permanent"],
    [{ status: 400, providerCode: 21408 }, "permanent"],
    [{ status: 400, providerCode: 21610 }, "permanent"],
    [{ status: 400, providerCode: 21614 }, "permanent"],
    // Twilio reports some of these asynchronously, with no HTTP error at all.
    [{ providerCode: 63016 }, "permanent"],
    [{ status: 500, providerCode: 63016 }, "permanent"],
  ])("%j → %s", (failure, verdict) => {
    expect(classifySendFailure(failure)).toBe(verdict);
  });
});

describe("retryDelaySeconds", () => {
  it("doubles from 15 seconds and stops at 5 minutes, inside the 15-minute reminder's grace window", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((attempt) => retryDelaySeconds(attempt))).toEqual([15, 30, 60, 120, 240, 300, 300, 300]);
  });

  it.each([0, -1, 1.5, Number.NaN])("rejects attempt %s", (attempt) => {
    expect(() => retryDelaySeconds(attempt)).toThrow(new RangeError(`attempt must be a whole number from 1, got ${attempt}`));
  });
});
