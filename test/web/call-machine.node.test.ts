import { describe, expect, it } from "vitest";
import { type CallEvent, type CallState, callReducer, initialCallState } from "../../web/src/session/call-machine";

const run = (...events: CallEvent[]): CallState => events.reduce(callReducer, initialCallState);
const inCall = [{ type: "join" }, { type: "connected", remotes: ["101"] }] satisfies CallEvent[];

describe("the call machine's endings from the server's signalling", () => {
  it("another tab of the same person takes the call over: ended, and a join here does not resume in place", () => {
    const state = run(...inCall, { type: "taken-over" });
    expect(state).toMatchObject({ phase: "ended", endReason: "elsewhere", remotes: [] });
    expect(callReducer(state, { type: "join" })).toBe(state);
  });

  it("a takeover outside a call changes nothing", () => {
    expect(run({ type: "taken-over" })).toEqual(initialCallState);
  });

  it("moved to a new time: ended as moved, and a later cancellation does not rewrite it", () => {
    const moved = run(...inCall, { type: "call-moved" });
    expect(moved).toMatchObject({ phase: "ended", endReason: "moved" });
    expect(callReducer(moved, { type: "call-cancelled" })).toBe(moved);
  });

  it("a dropped call that turns out to be cancelled or moved says so", () => {
    const dropped = run(...inCall, { type: "dropped", message: "The connection to the session was lost" });
    expect(callReducer(dropped, { type: "call-moved" })).toMatchObject({ phase: "ended", endReason: "moved" });
    expect(callReducer(dropped, { type: "call-cancelled" })).toMatchObject({ phase: "ended", endReason: "cancelled" });
  });
});

describe("the call machine's endings for the caller's own access", () => {
  it("the sign-in expired during the call: ended as expired, and Join does not retry with the same token", () => {
    const state = run(...inCall, { type: "sign-in-expired" });
    expect(state).toMatchObject({ phase: "ended", endReason: "expired", remotes: [] });
    expect(callReducer(state, { type: "join" })).toBe(state);
  });

  it("access withdrawn while reconnecting: ended as revoked", () => {
    expect(run(...inCall, { type: "reconnecting" }, { type: "access-withdrawn" })).toMatchObject({ phase: "ended", endReason: "revoked" });
  });

  it("either outside a call changes nothing", () => {
    expect(run({ type: "sign-in-expired" })).toEqual(initialCallState);
    expect(run({ type: "access-withdrawn" })).toEqual(initialCallState);
  });
});
