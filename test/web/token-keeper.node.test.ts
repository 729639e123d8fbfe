import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Connection } from "../../web/src/api/types";
import { TokenKeeper } from "../../web/src/session/token-keeper";
import { REFRESH_LEAD_MS } from "../../web/src/time/expiry";

const minute = 60_000;
const start = Date.parse("2026-12-02T10:00:00Z");
const connection = (expiresAt: number): Connection => ({
  provider: "twilio",
  token: `token-${expiresAt}`,
  identity: "201",
  room_name: "apt-7",
  expires_at: new Date(expiresAt).toISOString(),
});

beforeEach(() => {
  vi.useFakeTimers({ now: start });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("TokenKeeper", () => {
  it("renews ahead of expiry, and stops asking once a renewal cannot outlast the room's closing", async () => {
    const roomClosesAt = start + 90 * minute;
    // The first token lives an hour; renewals last until the room closes, and no longer.
    const fetchFresh = vi.fn(async () => connection(roomClosesAt));
    const onFresh = vi.fn();
    const keeper = new TokenKeeper({ fetchFresh, now: () => Date.now(), onFresh, onTrouble: () => {} });
    keeper.keep(connection(start + 60 * minute));

    await vi.advanceTimersByTimeAsync(60 * minute - REFRESH_LEAD_MS - 1);
    expect(fetchFresh).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(fetchFresh).toHaveBeenCalledTimes(1);
    // The renewal due 5 minutes before the room closes returns the same expiry: asked once, then never again.
    await vi.advanceTimersByTimeAsync(30 * minute);
    expect(fetchFresh).toHaveBeenCalledTimes(2);
    expect(onFresh).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(10 * minute);
    expect(fetchFresh).toHaveBeenCalledTimes(2);
    keeper.stop();
  });
});
