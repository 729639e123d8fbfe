import { describe, expect, it } from "vitest";
import { applyRoomEvent, emptyRoomState } from "../../src/rooms/room-state";
import { connectionEvent, relayedSignal, type SignallingParty } from "../../src/rooms/signalling";
import { roomSocketRequest, socketRequestFromUrl } from "../../src/rooms/socket-requests";
import { replay, seconds, seededRandom, shuffledWithDuplicates, withoutLog } from "./room-fixtures";

const room = {
  roomName: "apt-7-1764590000-9f1c2a7b",
  appointmentId: 7,
  closesAt: seconds(3600),
  checkedAt: seconds(0),
  expiresAt: seconds(1800),
};
const clinician = (connectionId: string): SignallingParty => ({ ...room, userId: 101, connectionId });
const client = (connectionId: string): SignallingParty => ({ ...room, userId: 201, connectionId });
const offer = { type: "offer", sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n" };

describe("relayedSignal", () => {
  it("relays an offer, an answer, a rollback and candidates, rebuilt from their known fields only", () => {
    expect(relayedSignal(JSON.stringify({ type: "signal", data: { description: { ...offer, extra: "dropped" } }, to: 5 }))).toEqual({
      type: "signal",
      data: { description: offer },
    });
    expect(relayedSignal(JSON.stringify({ type: "signal", data: { description: { type: "rollback" } } }))).toEqual({
      type: "signal",
      data: { description: { type: "rollback" } },
    });
    const candidate = { candidate: "candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host", sdpMid: "0", sdpMLineIndex: 0 };
    expect(relayedSignal(JSON.stringify({ type: "signal", data: { candidate } }))).toEqual({
      type: "signal",
      data: { candidate: { ...candidate, usernameFragment: null } },
    });
    expect(relayedSignal(JSON.stringify({ type: "signal", data: { candidate: null } }))).toEqual({
      type: "signal",
      data: { candidate: null },
    });
  });

  it("relays nothing that is not a signal", () => {
    const notSignals = [
      "ping",
      "{not json",
      JSON.stringify({ type: "welcome", peer: null }),
      JSON.stringify({ type: "signal", data: { description: { type: "bogus", sdp: "v=0" } } }),
      JSON.stringify({ type: "signal", data: { description: { type: "offer", sdp: 42 } } }),
      JSON.stringify({ type: "signal", data: { candidate: { sdpMid: "0" } } }),
      JSON.stringify({ type: "signal", data: { somethingElse: true } }),
      JSON.stringify({ type: "signal", data: [] }),
      JSON.stringify({ type: "signal", data: { description: { type: "offer", sdp: "x".repeat(64 * 1024) } } }),
    ];
    for (const message of notSignals) expect(relayedSignal(message), message.slice(0, 60)).toBeUndefined();
    expect(
      relayedSignal(new TextEncoder().encode(JSON.stringify({ type: "signal", data: { candidate: null } })).buffer as ArrayBuffer),
    ).toBeUndefined();
  });
});

describe("connectionEvent", () => {
  it("makes a party's connection a participant of the room, keyed by the connection, named by the user id", () => {
    expect(connectionEvent(client("c-1"), "participant-connected", seconds(5))).toEqual({
      id: "webrtc:c-1:connected",
      provider: "webrtc",
      kind: "participant-connected",
      at: seconds(5),
      roomName: room.roomName,
      roomSid: room.roomName,
      participant: { key: "c-1", identity: "201" },
    });
  });

  it("feeds the one reducer: shuffled and duplicated connection events give the same state as in order", () => {
    const events = [
      connectionEvent(clinician("c-1"), "participant-connected", seconds(0)),
      connectionEvent(client("c-2"), "participant-connected", seconds(30)),
      // The patient reloads: the old socket closes, a new one opens.
      connectionEvent(client("c-2"), "participant-disconnected", seconds(600)),
      connectionEvent(client("c-3"), "participant-connected", seconds(603)),
      connectionEvent(client("c-3"), "participant-disconnected", seconds(3000)),
      connectionEvent(clinician("c-1"), "participant-disconnected", seconds(3010)),
    ];
    const inOrder = replay(events);
    expect(inOrder.participants.map(({ key, status }) => [key, status])).toEqual([
      ["c-1", "disconnected"],
      ["c-2", "disconnected"],
      ["c-3", "disconnected"],
    ]);
    expect(inOrder.createdAt).toBe(seconds(0));
    for (let seed = 1; seed <= 100; seed++) {
      expect(withoutLog(replay(shuffledWithDuplicates(events, seededRandom(seed)))), `seed ${seed}`).toEqual(withoutLog(inOrder));
    }
  });

  it("reports the call starting with the first connection, and a second report of a close as a duplicate", () => {
    const opened = applyRoomEvent(emptyRoomState(), connectionEvent(clinician("c-1"), "participant-connected", seconds(0)));
    expect(opened.changes.map((change) => change.type)).toEqual(["call.started", "participant.joined"]);
    const closed = applyRoomEvent(opened.state, connectionEvent(clinician("c-1"), "participant-disconnected", seconds(60)));
    expect(closed.changes).toEqual([{ type: "participant.left", key: "c-1", identity: "101", at: seconds(60), connectedMs: 60_000 }]);
    expect(applyRoomEvent(closed.state, connectionEvent(clinician("c-1"), "participant-disconnected", seconds(61))).duplicate).toBe(true);
  });
});

describe("roomSocketRequest", () => {
  it("carries who holds the socket to the room object, and nothing it cannot read back", () => {
    const { closesAt, ...holder } = { ...room, userId: 201 };
    const signal = roomSocketRequest({ kind: "signal", holder, closesAt });
    expect(signal.headers.get("upgrade")).toBe("websocket");
    expect(socketRequestFromUrl(signal.url)).toEqual({ kind: "signal", holder, closesAt });
    const events = roomSocketRequest({ kind: "events", holder });
    expect(socketRequestFromUrl(events.url)).toEqual({ kind: "events", holder });
    expect(socketRequestFromUrl(signal.url.replace("user_id=201", "user_id=abc"))).toBeUndefined();
    expect(socketRequestFromUrl(signal.url.replace(/&closes_at=\d+/, ""))).toBeUndefined();
    expect(socketRequestFromUrl(events.url.replace(/checked_at=\d+/, "checked_at=0"))).toBeUndefined();
    expect(socketRequestFromUrl(events.url.replace("/events", "/other"))).toBeUndefined();
  });
});
