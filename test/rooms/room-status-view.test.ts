import { describe, expect, it } from "vitest";
import { applyRoomEvent, emptyRoomState } from "../../src/rooms/room-state";
import { roomStatusView } from "../../src/rooms/room-status-view";
import { patient, ROOM_SID, replay, seconds, therapist, twilioEvent } from "./room-fixtures";

const live = replay([
  twilioEvent("room-created", seconds(0), 0),
  twilioEvent("participant-connected", seconds(20), 1, patient),
  twilioEvent("participant-connected", seconds(10), 2, therapist),
  twilioEvent("participant-disconnected", seconds(40), 3, patient),
]);

describe("roomStatusView", () => {
  it("computes live durations at read time, in whole seconds, with ISO 8601 UTC times", () => {
    expect(roomStatusView(live, seconds(100) + 999)).toEqual({
      room_sid: ROOM_SID,
      status: "in-progress",
      participants_count: 1,
      participants: [
        { sid: therapist.sid, identity: therapist.identity, status: "connected", duration: 90, connected_at: "2026-03-02T15:00:10Z" },
        { sid: patient.sid, identity: patient.identity, status: "disconnected", duration: 20, connected_at: "2026-03-02T15:00:20Z" },
      ],
      duration: 100,
      created_at: "2026-03-02T15:00:00Z",
    });
    expect(roomStatusView(live, seconds(160)).participants[0]?.duration).toBe(150);
  });

  it("stops the clocks at the end of a completed room", () => {
    const ended = applyRoomEvent(live, twilioEvent("room-ended", seconds(300), 9)).state;
    const view = roomStatusView(ended, seconds(9_999));
    expect(view).toMatchObject({ status: "completed", participants_count: 0, duration: 300 });
    expect(view.participants.map((participant) => [participant.status, participant.duration])).toEqual([
      ["disconnected", 290],
      ["disconnected", 20],
    ]);
  });

  it("describes a room nothing has been heard about", () => {
    expect(roomStatusView(emptyRoomState(), seconds(5))).toEqual({
      room_sid: null,
      status: "not_found",
      participants_count: 0,
      participants: [],
      duration: null,
      created_at: null,
    });
  });
});
