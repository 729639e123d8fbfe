import { describe, expect, it } from "vitest";
import { agoraChannelEvent } from "../../src/providers/agora/ncs-events";
import { twilioRoomEvent } from "../../src/providers/twilio/room-events";
import { agoraBody, ROOM_SID, seconds, therapist, twilioParams } from "../rooms/room-fixtures";

describe("twilioRoomEvent", () => {
  it("reads a participant-connected callback, ordered by its Timestamp", () => {
    expect(twilioRoomEvent(twilioParams("participant-connected", seconds(5), 3, therapist))).toEqual({
      id: `${ROOM_SID}:participant-connected:${therapist.sid}:3`,
      provider: "twilio",
      kind: "participant-connected",
      at: seconds(5),
      roomName: "appt-42",
      roomSid: ROOM_SID,
      participant: { key: therapist.sid, identity: therapist.identity },
    });
  });

  it("reads room events, and gives track and recording events the kind other", () => {
    expect(twilioRoomEvent(twilioParams("room-created", seconds(0), 0))).toMatchObject({
      kind: "room-created",
      id: `${ROOM_SID}:room-created::0`,
    });
    expect(twilioRoomEvent(twilioParams("room-ended", seconds(9), 9))?.kind).toBe("room-ended");
    expect(twilioRoomEvent(twilioParams("track-added", seconds(6), 4, therapist))?.kind).toBe("other");
    expect(twilioRoomEvent(twilioParams("recording-started", seconds(6), 5, therapist))?.kind).toBe("other");
  });

  it("tells apart two events that differ only in sequence number", () => {
    const first = twilioRoomEvent(twilioParams("track-enabled", seconds(6), 4, therapist));
    const second = twilioRoomEvent(twilioParams("track-enabled", seconds(6), 5, therapist));
    expect(first?.id).not.toBe(second?.id);
  });

  it("refuses a callback missing what the state needs", () => {
    const without = (field: string) => twilioParams("participant-connected", seconds(5), 3, therapist).filter(([name]) => name !== field);
    for (const field of [
      "RoomSid",
      "RoomName",
      "StatusCallbackEvent",
      "Timestamp",
      "SequenceNumber",
      "ParticipantSid",
      "ParticipantIdentity",
    ]) {
      expect(twilioRoomEvent(without(field)), field).toBeUndefined();
    }
    const badTime = twilioParams("room-created", seconds(0), 0).map(
      ([name, value]) => [name, name === "Timestamp" ? "yesterday" : value] as const,
    );
    expect(twilioRoomEvent(badTime)).toBeUndefined();
    expect(twilioRoomEvent([])).toBeUndefined();
  });
});

describe("agoraChannelEvent", () => {
  it("reads a broadcaster join: uid as key, clientSeq kept, ts in seconds as the time", () => {
    expect(agoraChannelEvent(agoraBody(103, seconds(5), { uid: 1001, clientSeq: 7 }, "n-1"))).toEqual({
      id: "n-1",
      provider: "agora",
      kind: "participant-connected",
      at: seconds(5),
      roomName: "appt-42",
      roomSid: "appt-42",
      participant: { key: "1001", identity: "1001" },
      clientSeq: 7,
    });
  });

  it("maps the RTC channel event types", () => {
    const kindOf = (eventType: number) => agoraChannelEvent(agoraBody(eventType, seconds(1), { uid: 1, clientSeq: 1 }))?.kind;
    expect(agoraChannelEvent(agoraBody(101, seconds(0)))?.kind).toBe("room-created");
    expect(agoraChannelEvent(agoraBody(102, seconds(0)))?.kind).toBe("room-ended");
    expect([103, 105, 107, 111, 112].map(kindOf)).toEqual(Array(5).fill("participant-connected"));
    expect([104, 106, 108].map(kindOf)).toEqual(Array(3).fill("participant-disconnected"));
    expect(kindOf(113)).toBe("other");
  });

  it("refuses bodies that are not RTC channel events or lack what the state needs", () => {
    const join = agoraBody(103, seconds(5), { uid: 1001, clientSeq: 7 });
    expect(agoraChannelEvent({ ...join, productId: 3 })).toBeUndefined();
    expect(agoraChannelEvent({ ...join, noticeId: undefined })).toBeUndefined();
    expect(agoraChannelEvent({ ...join, payload: { ...join.payload, clientSeq: undefined } })).toBeUndefined();
    expect(agoraChannelEvent({ ...join, payload: { ...join.payload, uid: undefined } })).toBeUndefined();
    expect(agoraChannelEvent({ ...join, payload: { ...join.payload, channelName: "" } })).toBeUndefined();
    expect(agoraChannelEvent({ ...join, payload: { ...join.payload, ts: "soon" } })).toBeUndefined();
    expect(agoraChannelEvent(null)).toBeUndefined();
    expect(agoraChannelEvent("103")).toBeUndefined();
  });
});
