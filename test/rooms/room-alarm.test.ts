import { describe, expect, it } from "vitest";
import {
  EMPTY_ROOM_TIMEOUT_MS,
  emptyRoomTimeoutEvent,
  emptySince,
  HEAL_INTERVAL_MS,
  nextAlarmAt,
  TWILIO_MAX_PARTICIPANT_MS,
} from "../../src/rooms/room-alarm";
import { applyRoomEvent, emptyRoomState } from "../../src/rooms/room-state";
import { patient, replay, seconds, therapist, twilioEvent } from "./room-fixtures";

const live = replay([twilioEvent("room-created", seconds(0), 0), twilioEvent("participant-connected", seconds(10), 1, therapist)]);
const emptied = replay([twilioEvent("participant-disconnected", seconds(50), 2, therapist)], live);
const ended = replay([twilioEvent("room-ended", seconds(60), 3)], emptied);
const now = seconds(100);

describe("nextAlarmAt", () => {
  it("heals a live Twilio room every interval; an Agora room has no API to heal from", () => {
    expect(nextAlarmAt({ state: live, heals: true, pending: undefined, now })).toBe(now + HEAL_INTERVAL_MS);
    expect(nextAlarmAt({ state: live, heals: false, pending: undefined, now })).toBeUndefined();
  });

  it("stops healing once Twilio has disconnected everyone for certain, so a Rooms API that keeps failing does not wake the room forever", () => {
    const lastJoin = seconds(10);
    expect(nextAlarmAt({ state: live, heals: true, pending: undefined, now: lastJoin + TWILIO_MAX_PARTICIPANT_MS - 1 })).toBe(
      lastJoin + TWILIO_MAX_PARTICIPANT_MS - 1 + HEAL_INTERVAL_MS,
    );
    expect(nextAlarmAt({ state: live, heals: true, pending: undefined, now: lastJoin + TWILIO_MAX_PARTICIPANT_MS })).toBeUndefined();
  });

  it("wakes a room with open signalling sockets when its join window closes, to close them", () => {
    const closesAt = now + 60_000;
    expect(nextAlarmAt({ state: live, heals: false, pending: undefined, socketsLapseAt: closesAt, now })).toBe(closesAt);
    // Whichever comes first: a heal due sooner still happens first.
    const later = now + 10 * 60_000;
    expect(nextAlarmAt({ state: live, heals: true, pending: undefined, socketsLapseAt: later, now })).toBe(now + HEAL_INTERVAL_MS);
  });

  it("wakes an empty room when the empty-room timeout runs out", () => {
    expect(emptySince(emptied)).toBe(seconds(50));
    expect(nextAlarmAt({ state: emptied, heals: false, pending: undefined, now })).toBe(seconds(50) + EMPTY_ROOM_TIMEOUT_MS);
    expect(nextAlarmAt({ state: emptied, heals: true, pending: undefined, now })).toBe(now + HEAL_INTERVAL_MS);
  });

  it("retries a pending D1 update with backoff, and sleeps for good once the room is over and D1 is written", () => {
    expect(nextAlarmAt({ state: ended, heals: true, pending: undefined, now })).toBeUndefined();
    expect(nextAlarmAt({ state: ended, heals: true, pending: { attempts: 0 }, now })).toBe(now + 30_000);
    expect(nextAlarmAt({ state: ended, heals: true, pending: { attempts: 2 }, now })).toBe(now + 120_000);
    expect(nextAlarmAt({ state: ended, heals: true, pending: { attempts: 30 }, now })).toBe(now + 600_000);
  });

  it("wakes a room whose completion is held back when the hold ends (its join window closes)", () => {
    const heldUntil = now + 40 * 60_000;
    expect(nextAlarmAt({ state: ended, heals: true, pending: { attempts: 0, heldUntil }, now })).toBe(heldUntil);
  });
});

describe("emptyRoomTimeoutEvent", () => {
  it("ends the room when the last party left, once the timeout has passed, and only once", () => {
    const deadline = seconds(50) + EMPTY_ROOM_TIMEOUT_MS;
    expect(emptyRoomTimeoutEvent(emptied, "twilio", "appt-42", deadline - 1)).toBeUndefined();
    const event = emptyRoomTimeoutEvent(emptied, "twilio", "appt-42", deadline);
    expect(event).toMatchObject({ kind: "room-ended", at: seconds(50), roomName: "appt-42" });
    const after = applyRoomEvent(emptied, event!);
    expect(after.state).toMatchObject({ status: "completed", endedAt: seconds(50) });
    expect(after.changes).toEqual([{ type: "call.ended", at: seconds(50) }]);
    expect(emptyRoomTimeoutEvent(after.state, "twilio", "appt-42", deadline + 1)).toBeUndefined();
  });

  it("leaves rooms with someone in them, and rooms never heard of", () => {
    const both = replay([twilioEvent("participant-connected", seconds(20), 4, patient)], live);
    expect(emptyRoomTimeoutEvent(both, "twilio", "appt-42", seconds(10_000))).toBeUndefined();
    expect(emptyRoomTimeoutEvent(emptyRoomState(), "twilio", "appt-42", seconds(10_000))).toBeUndefined();
  });
});
