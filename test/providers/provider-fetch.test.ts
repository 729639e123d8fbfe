import { delay, HttpResponse, http } from "msw";
import { describe, expect, it, vi } from "vitest";
import {
  backoffDelayMs,
  fetchWithRetries,
  isRetryableStatus,
  PROVIDER_ATTEMPTS,
  RETRY_BUDGET_MS,
  retryAfterMs,
  retryWaitMs,
} from "../../src/providers/provider-fetch";
import { seededRandom as seeded } from "../rooms/room-fixtures";
import { useOutboundStandIn } from "../support/outbound";

const outbound = useOutboundStandIn();
const url = "https://provider.stand-in/v1/thing";

describe("the retry schedule", () => {
  it("retries no answer, 408, 429 and 5xx; any other answer is the provider's last word", () => {
    expect([408, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([200, 201, 400, 401, 403, 404, 409, 422].some(isRetryableStatus)).toBe(false);
  });

  it("waits with full jitter under a ceiling that doubles with each retry", () => {
    expect([0, 1, 2].map((retry) => backoffDelayMs(retry, () => 0))).toEqual([0, 0, 0]);
    expect([0, 1, 2].map((retry) => backoffDelayMs(retry, () => 0.999_999))).toEqual([249, 499, 999]);
    const random = seeded(42);
    const waits = Array.from({ length: 200 }, (_, i) => backoffDelayMs(i % 3, random));
    for (const [i, wait] of waits.entries()) expect(wait).toBeLessThan(250 * 2 ** (i % 3));
    // Spread out, not one value: callers that failed together do not come back together.
    expect(new Set(waits.filter((_, i) => i % 3 === 2)).size).toBeGreaterThan(30);
    expect(Array.from({ length: 3 }, (_, retry) => backoffDelayMs(retry, seeded(7)))).toEqual(
      Array.from({ length: 3 }, (_, retry) => backoffDelayMs(retry, seeded(7))),
    );
  });

  it("gives up after the last attempt, or when the wait would not fit in what is left of the budget", () => {
    const random = () => 0.5;
    expect(retryWaitMs({ retry: 0, retryAfter: undefined, budgetLeftMs: RETRY_BUDGET_MS, random })).toBe(125);
    expect(retryWaitMs({ retry: 1, retryAfter: undefined, budgetLeftMs: RETRY_BUDGET_MS, random })).toBe(250);
    expect(retryWaitMs({ retry: PROVIDER_ATTEMPTS - 1, retryAfter: undefined, budgetLeftMs: RETRY_BUDGET_MS, random })).toBeUndefined();
    expect(retryWaitMs({ retry: 0, retryAfter: undefined, budgetLeftMs: 100, random })).toBeUndefined();
  });

  it("waits as long as Retry-After asks when that fits the budget, and does not retry when it asks for longer", () => {
    const random = () => 0.5;
    expect(retryWaitMs({ retry: 0, retryAfter: 1_000, budgetLeftMs: RETRY_BUDGET_MS, random })).toBe(1_000);
    expect(retryWaitMs({ retry: 0, retryAfter: 0, budgetLeftMs: RETRY_BUDGET_MS, random })).toBe(0);
    expect(retryWaitMs({ retry: 0, retryAfter: 30_000, budgetLeftMs: RETRY_BUDGET_MS, random })).toBeUndefined();
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2026-12-02T12:00:00Z");
    expect(retryAfterMs("2", now)).toBe(2_000);
    expect(retryAfterMs(" 0 ", now)).toBe(0);
    expect(retryAfterMs("Wed, 02 Dec 2026 12:00:03 GMT", now)).toBe(3_000);
    expect(retryAfterMs("Wed, 02 Dec 2026 11:59:00 GMT", now)).toBe(0);
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs("soon", now)).toBeUndefined();
    expect(retryAfterMs("-1", now)).toBeUndefined();
  });
});

describe("fetchWithRetries", () => {
  /** The provider answers each call in turn with the next of `answers`, the last one for good. */
  function provider(...answers: Array<() => Response | Promise<Response>>) {
    let calls = 0;
    outbound.use(http.post(url, () => answers[Math.min(calls++, answers.length - 1)]!()));
    return { calls: () => calls };
  }
  const post = (timeoutMs = 1_000) =>
    fetchWithRetries(url, { method: "POST", body: new URLSearchParams({ a: "1" }) }, { timeoutMs, random: () => 0 });

  it("gets through a 503 to the 200 behind it, sending the same body again", async () => {
    const bodies: string[] = [];
    let calls = 0;
    outbound.use(
      http.post(url, async ({ request }) => {
        bodies.push(await request.text());
        return calls++ === 0 ? HttpResponse.json({}, { status: 503 }) : HttpResponse.json({ ok: true });
      }),
    );
    const response = await post();
    expect(response?.status).toBe(200);
    expect(bodies).toEqual(["a=1", "a=1"]);
  });

  it("hands back the last failure after three calls when the provider keeps failing", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const failing = provider(() => HttpResponse.json({ code: 20500 }, { status: 500 }));
    const response = await post();
    expect(response?.status).toBe(500);
    expect(await response?.json()).toEqual({ code: 20500 });
    expect(failing.calls()).toBe(PROVIDER_ATTEMPTS);
    expect(log.mock.calls.map(([line]) => JSON.parse(String(line)))).toEqual([
      { event: "provider_call_retried", host: "provider.stand-in", outcome: 500, wait_ms: 0 },
      { event: "provider_call_retried", host: "provider.stand-in", outcome: 500, wait_ms: 0 },
    ]);
    log.mockRestore();
  });

  it("asks once for an answer that another try cannot change", async () => {
    const refused = provider(() => HttpResponse.json({ code: 20003 }, { status: 401 }));
    expect((await post())?.status).toBe(401);
    expect(refused.calls()).toBe(1);
  });

  it("gives up on a call that does not answer in time, tries again, and resolves to no answer when none ever does", async () => {
    const slow = provider(async () => {
      await delay(2_000);
      return HttpResponse.json({ late: true });
    });
    expect(await post(50)).toBeUndefined();
    expect(slow.calls()).toBe(PROVIDER_ATTEMPTS);

    outbound.resetHandlers();
    const recovering = provider(
      async () => {
        await delay(2_000);
        return HttpResponse.json({ late: true });
      },
      () => HttpResponse.json({ ok: true }),
    );
    expect(await (await post(50))?.json()).toEqual({ ok: true });
    expect(recovering.calls()).toBe(2);
  });

  it("resolves to no answer after three tries when the provider cannot be reached", async () => {
    const down = provider(() => HttpResponse.error());
    expect(await post()).toBeUndefined();
    expect(down.calls()).toBe(PROVIDER_ATTEMPTS);
  });

  it("waits out a 429's Retry-After when it is short, and does not retry one that asks for longer than the budget", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const limited = provider(
      () => HttpResponse.json({}, { status: 429, headers: { "retry-after": "1" } }),
      () => HttpResponse.json({ ok: true }),
    );
    expect((await post())?.status).toBe(200);
    expect(limited.calls()).toBe(2);
    expect(log.mock.calls.map(([line]) => JSON.parse(String(line)))).toEqual([
      { event: "provider_call_retried", host: "provider.stand-in", outcome: 429, wait_ms: 1_000 },
    ]);
    log.mockRestore();

    outbound.resetHandlers();
    const throttled = provider(() => HttpResponse.json({}, { status: 429, headers: { "retry-after": "60" } }));
    expect((await post())?.status).toBe(429);
    expect(throttled.calls()).toBe(1);
  });
});
