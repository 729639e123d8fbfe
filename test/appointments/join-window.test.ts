import { describe, expect, it } from "vitest";
import { joinWindow, sessionStatus } from "../../src/appointments/join-window";

const start = 1_800_000_000;
const session = { startsAt: start, durationMinutes: 50, status: "confirmed", sessionType: "telehealth" };

describe("joinWindow", () => {
  it("opens exactly 15 minutes before the start and closes exactly 30 minutes after the end", () => {
    expect(joinWindow(session, start - 15 * 60 - 1).closedBecause).toBe("not_open_yet");
    expect(joinWindow(session, start - 15 * 60)).toEqual({ opensAt: start - 900, closesAt: start + 80 * 60 });
    expect(joinWindow(session, start + 80 * 60 - 1).closedBecause).toBeUndefined();
    expect(joinWindow(session, start + 80 * 60).closedBecause).toBe("closed");
  });

  it("stays shut for cancelled, completed and in-person sessions", () => {
    expect(joinWindow({ ...session, status: "cancelled" }, start).closedBecause).toBe("cancelled");
    expect(joinWindow({ ...session, status: "completed" }, start).closedBecause).toBe("completed");
    expect(joinWindow({ ...session, sessionType: "in_person" }, start).closedBecause).toBe("not_telehealth");
  });
});

describe("sessionStatus", () => {
  it("moves upcoming → joinable → in_progress → ended on the clock", () => {
    expect(sessionStatus(session, start - 901)).toBe("upcoming");
    expect(sessionStatus(session, start - 900)).toBe("joinable");
    expect(sessionStatus(session, start)).toBe("in_progress");
    expect(sessionStatus(session, start + 3000)).toBe("ended");
    expect(sessionStatus({ ...session, status: "ongoing" }, start + 3000)).toBe("in_progress");
    expect(sessionStatus({ ...session, status: "ongoing" }, start + 80 * 60)).toBe("ended");
  });
});
