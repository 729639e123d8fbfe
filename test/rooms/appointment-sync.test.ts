import { describe, expect, it } from "vitest";
import {
  afterFailedWrite,
  afterHeldBack,
  afterWrite,
  appointmentUpdateFor,
  completionHeldUntil,
  withPendingUpdate,
} from "../../src/rooms/appointment-sync";
import { emptyRoomState } from "../../src/rooms/room-state";
import { patient, replay, seconds, therapist, twilioEvent } from "./room-fixtures";

const created = replay([twilioEvent("room-created", seconds(0), 0)]);
const started = replay(
  [twilioEvent("participant-connected", seconds(20), 1, patient), twilioEvent("participant-connected", seconds(10), 2, therapist)],
  created,
);
const ended = replay([twilioEvent("room-ended", seconds(90), 3)], started);

describe("appointmentUpdateFor", () => {
  it("starts the appointment at the first join and completes it at the room's end", () => {
    expect(appointmentUpdateFor(started)).toEqual({ status: "ongoing", startedAt: seconds(10) });
    expect(appointmentUpdateFor(ended)).toEqual({ status: "completed", startedAt: seconds(10), endedAt: seconds(90) });
  });

  it("leaves the appointment alone while nobody has joined, even once the unused room ends", () => {
    expect(appointmentUpdateFor(emptyRoomState())).toBeUndefined();
    expect(appointmentUpdateFor(replay([twilioEvent("room-ended", seconds(300), 9)], created))).toBeUndefined();
  });
});

describe("the pending update", () => {
  it("becomes pending once, and a later completion replaces a pending start", () => {
    const pending = withPendingUpdate({}, started);
    expect(pending).toEqual({ pending: { status: "ongoing", startedAt: seconds(10), attempts: 0 } });
    const failedOnce = afterFailedWrite(pending);
    expect(withPendingUpdate(failedOnce, ended)).toEqual({
      pending: { status: "completed", startedAt: seconds(10), endedAt: seconds(90), attempts: 1 },
    });
  });

  it("is cleared by a write that covers it, and never walks D1 back", () => {
    const written = afterWrite(withPendingUpdate({}, started), { status: "ongoing", startedAt: seconds(10) });
    expect(written).toEqual({ synced: "ongoing" });
    expect(withPendingUpdate(written, started)).toBe(written);
    const completed = afterWrite(withPendingUpdate(written, ended), { status: "completed", startedAt: seconds(10), endedAt: seconds(90) });
    expect(completed).toEqual({ synced: "completed" });
    // A join after the end reopens the room, but the appointment stays completed.
    const reopened = replay(
      [twilioEvent("participant-connected", seconds(120), 4, { sid: "PA0000000000000000000000000000000e", identity: "patient:9" })],
      ended,
    );
    expect(withPendingUpdate(completed, reopened)).toBe(completed);
  });

  it("keeps a newer pending update when an older write lands", () => {
    const both = withPendingUpdate({}, ended);
    expect(afterWrite(both, { status: "ongoing", startedAt: seconds(10) })).toEqual({ synced: "ongoing", pending: both.pending });
  });
});

describe("completionHeldUntil: a room that ends before the booked end leaves the session rejoinable until the join window closes", () => {
  // Booked from T0 for 50 minutes: its window closes 80 minutes after T0.
  const session = { startsAt: seconds(0) / 1000, durationMinutes: 50, status: "ongoing", sessionType: "telehealth" };
  const closesAt = seconds(80 * 60);

  it("holds an early end back until the window closes, and lets it through once the window has closed", () => {
    expect(completionHeldUntil(session, seconds(20 * 60), seconds(21 * 60))).toBe(closesAt);
    expect(completionHeldUntil(session, seconds(20 * 60), closesAt - 1000)).toBe(closesAt);
    expect(completionHeldUntil(session, seconds(20 * 60), closesAt)).toBeUndefined();
  });

  it("completes at once a room that ended at or after the booked end, or a session already cancelled", () => {
    expect(completionHeldUntil(session, seconds(50 * 60), seconds(51 * 60))).toBeUndefined();
    expect(completionHeldUntil({ ...session, status: "cancelled" }, seconds(20 * 60), seconds(21 * 60))).toBeUndefined();
  });
});

describe("a held completion", () => {
  it("waits in the bookkeeping with D1 marked ongoing, and is withdrawn when someone rejoins", () => {
    const completion = appointmentUpdateFor(ended)!;
    const held = afterHeldBack(withPendingUpdate({}, ended), completion, seconds(3600));
    expect(held).toEqual({ synced: "ongoing", pending: { ...completion, attempts: 0, heldUntil: seconds(3600) } });
    const rejoined = replay(
      [twilioEvent("participant-connected", seconds(120), 4, { sid: "PA0000000000000000000000000000000f", identity: "patient:9" })],
      ended,
    );
    expect(withPendingUpdate(held, rejoined)).toEqual({ synced: "ongoing" });
  });

  it("is retried with backoff, not held again, when its write fails after the hold", () => {
    const held = afterHeldBack(withPendingUpdate({}, ended), appointmentUpdateFor(ended)!, seconds(3600));
    expect(afterFailedWrite(held).pending).toEqual({ status: "completed", startedAt: seconds(10), endedAt: seconds(90), attempts: 1 });
  });
});
