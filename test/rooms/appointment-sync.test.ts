import { describe, expect, it } from "vitest";
import { afterFailedWrite, afterWrite, appointmentUpdateFor, withPendingUpdate } from "../../src/rooms/appointment-sync";
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
