import { describe, expect, it } from "vitest";
import { applyRoomEvent, emptyRoomState, LOG_LIMIT, type RoomState, reconcileParticipants } from "../../src/rooms/room-state";
import { agoraEvent, patient, replay, seconds, therapist, twilioEvent } from "./room-fixtures";

const participant = (state: RoomState, key: string) => state.participants.find((candidate) => candidate.key === key);

describe("applyRoomEvent", () => {
  it("reports the call starting, people joining and leaving, and the call ending", () => {
    const created = applyRoomEvent(emptyRoomState(), twilioEvent("room-created", seconds(0), 0));
    expect(created.changes).toEqual([{ type: "call.started", at: seconds(0) }]);
    const joined = applyRoomEvent(created.state, twilioEvent("participant-connected", seconds(10), 1, patient));
    expect(joined.changes).toEqual([{ type: "participant.joined", key: patient.sid, identity: patient.identity, at: seconds(10) }]);
    const left = applyRoomEvent(joined.state, twilioEvent("participant-disconnected", seconds(70), 2, patient));
    expect(left.changes).toEqual([
      { type: "participant.left", key: patient.sid, identity: patient.identity, at: seconds(70), connectedMs: 60_000 },
    ]);
    const ended = applyRoomEvent(left.state, twilioEvent("room-ended", seconds(80), 3));
    expect(ended.changes).toEqual([{ type: "call.ended", at: seconds(80) }]);
    expect(ended.state).toMatchObject({
      roomSid: expect.stringMatching(/^RM/),
      status: "completed",
      createdAt: seconds(0),
      endedAt: seconds(80),
    });
  });

  it("ignores a redelivered event", () => {
    const join = twilioEvent("participant-connected", seconds(10), 1, patient);
    const once = applyRoomEvent(emptyRoomState(), join).state;
    const again = applyRoomEvent(once, join);
    expect(again).toEqual({ state: once, changes: [], duplicate: true });
    const trackEvent = twilioEvent("track-added", seconds(11), 2, patient);
    const withTrack = applyRoomEvent(once, trackEvent).state;
    expect(applyRoomEvent(withTrack, trackEvent).duplicate).toBe(true);
  });

  it("does not let a late connect resurrect someone whose later disconnect was applied", () => {
    const left = replay([twilioEvent("room-created", seconds(0), 0), twilioEvent("participant-disconnected", seconds(70), 2, patient)]);
    const late = applyRoomEvent(left, twilioEvent("participant-connected", seconds(10), 1, patient));
    expect(late.changes).toEqual([]);
    expect(participant(late.state, patient.sid)).toMatchObject({
      status: "disconnected",
      connectedAt: seconds(10),
      disconnectedAt: seconds(70),
      connectedMs: 60_000,
      lastAt: seconds(70),
    });
  });

  it("orders an Agora user's events by clientSeq, not by arrival or by their coarse ts", () => {
    // The leave (seq 3) carries an earlier ts than the join (seq 2): the client's clock is not the order.
    const leave = agoraEvent(104, seconds(100), { uid: 1001, clientSeq: 3 });
    const join = agoraEvent(103, seconds(101), { uid: 1001, clientSeq: 2 });
    const state = replay([leave, join]);
    expect(participant(state, "1001")).toMatchObject({ status: "disconnected", lastClientSeq: 3 });
    const rejoin = applyRoomEvent(state, agoraEvent(103, seconds(90), { uid: 1001, clientSeq: 4 }));
    expect(rejoin.changes).toEqual([{ type: "participant.joined", key: "1001", identity: "1001", at: seconds(90) }]);
    expect(participant(rejoin.state, "1001")).toMatchObject({ status: "connected", lastClientSeq: 4 });
  });

  it("ends a reconnecting participant connected, with the earlier spell's time kept", () => {
    const events = [
      agoraEvent(103, seconds(120), { uid: 7, clientSeq: 30 }),
      agoraEvent(104, seconds(60), { uid: 7, clientSeq: 20 }),
      agoraEvent(103, seconds(10), { uid: 7, clientSeq: 10 }),
    ];
    expect(participant(replay(events), "7")).toMatchObject({ status: "connected", connectedAt: seconds(120), connectedMs: 50_000 });
  });

  it("keeps an ended room ended when an older room-created arrives, and reopens it for a newer one", () => {
    const ended = replay([twilioEvent("room-ended", seconds(100), 9), twilioEvent("room-created", seconds(0), 0)]);
    expect(ended).toMatchObject({ status: "completed", createdAt: seconds(0), endedAt: seconds(100) });
    // Agora destroys an empty channel and creates it again when someone rejoins.
    const recreated = applyRoomEvent(ended, agoraEvent(101, seconds(200)));
    expect(recreated.state.status).toBe("in-progress");
    expect(recreated.changes).toEqual([{ type: "call.started", at: seconds(200) }]);
  });

  it("follows a Twilio room reopened under its name to the new RoomSid, whatever order the events arrive in", () => {
    // Twilio ended the empty room; the parties came back and got a new room with the same name.
    const inRoom = (event: ReturnType<typeof twilioEvent>, roomSid: string) => ({
      ...event,
      id: event.id.replace(event.roomSid, roomSid),
      roomSid,
    });
    const events = [
      inRoom(twilioEvent("room-created", seconds(0), 0), "RM-first"),
      inRoom(twilioEvent("room-ended", seconds(100), 1), "RM-first"),
      inRoom(twilioEvent("room-created", seconds(200), 0), "RM-second"),
      inRoom(twilioEvent("participant-connected", seconds(210), 1, patient), "RM-second"),
    ];
    expect(replay(events)).toMatchObject({ roomSid: "RM-second", status: "in-progress" });
    expect(replay([...events].reverse())).toMatchObject({ roomSid: "RM-second", status: "in-progress" });
  });

  it("disconnects everyone still connected when the room ends, even if their own webhook was lost", () => {
    const live = replay([twilioEvent("participant-connected", seconds(10), 1, therapist)]);
    const ended = applyRoomEvent(live, twilioEvent("room-ended", seconds(100), 9));
    expect(ended.changes).toEqual([
      { type: "participant.left", key: therapist.sid, identity: therapist.identity, at: seconds(100), connectedMs: 90_000 },
      { type: "call.ended", at: seconds(100) },
    ]);
  });

  it("keeps only the last events in its log", () => {
    const tracks = Array.from({ length: LOG_LIMIT + 20 }, (_, i) => twilioEvent("track-enabled", seconds(i), i, patient));
    const state = replay(tracks);
    expect(state.log).toHaveLength(LOG_LIMIT);
    expect(state.log.at(-1)?.id).toBe(tracks.at(-1)?.id);
  });

  it("carries on from a state that went through JSON, as a Durable Object stores it", () => {
    const events = [twilioEvent("room-created", seconds(0), 0), twilioEvent("participant-connected", seconds(10), 1, patient)];
    const stored = JSON.parse(JSON.stringify(replay(events))) as RoomState;
    const leave = twilioEvent("participant-disconnected", seconds(70), 2, patient);
    expect(applyRoomEvent(stored, leave)).toEqual(applyRoomEvent(replay(events), leave));
    expect(applyRoomEvent(stored, events[1]!).duplicate).toBe(true);
  });
});

describe("reconcileParticipants", () => {
  const live = replay([
    twilioEvent("room-created", seconds(0), 0),
    twilioEvent("participant-connected", seconds(10), 1, therapist),
    twilioEvent("participant-connected", seconds(20), 2, patient),
  ]);

  it("adds a connected participant whose webhook was lost, from the API's connect time", () => {
    const missed = { key: "PA00000000000000000000000000000003", identity: "interpreter:1", connectedAt: seconds(30) };
    const { state, changes } = reconcileParticipants(
      live,
      [therapist, patient, missed].map((p) => ("sid" in p ? { key: p.sid, identity: p.identity } : p)),
      seconds(60),
    );
    expect(changes).toEqual([{ type: "participant.joined", key: missed.key, identity: missed.identity, at: seconds(30) }]);
    expect(participant(state, missed.key)).toMatchObject({ status: "connected", connectedAt: seconds(30) });
  });

  it("disconnects at now someone the API no longer lists", () => {
    const { state, changes } = reconcileParticipants(live, [{ key: therapist.sid, identity: therapist.identity }], seconds(60));
    expect(changes).toEqual([
      { type: "participant.left", key: patient.sid, identity: patient.identity, at: seconds(60), connectedMs: 40_000 },
    ]);
    expect(participant(state, therapist.sid)?.status).toBe("connected");
    expect(state.log.at(-1)).toEqual({
      id: `reconcile:${patient.sid}:${seconds(60)}`,
      kind: "participant-disconnected",
      at: seconds(60),
      participantKey: patient.sid,
    });
  });

  it("changes nothing when the API agrees, and never reconnects a participant whose disconnect it has", () => {
    const agreeing = [therapist, patient].map((p) => ({ key: p.sid, identity: p.identity }));
    expect(reconcileParticipants(live, agreeing, seconds(60))).toEqual({ state: live, changes: [] });
    const patientLeft = applyRoomEvent(live, twilioEvent("participant-disconnected", seconds(50), 3, patient)).state;
    expect(reconcileParticipants(patientLeft, agreeing, seconds(60)).changes).toEqual([]);
  });

  it("lets a real disconnect webhook that arrives later correct the time", () => {
    const reconciled = reconcileParticipants(live, [{ key: therapist.sid, identity: therapist.identity }], seconds(60)).state;
    const late = applyRoomEvent(reconciled, twilioEvent("participant-disconnected", seconds(45), 3, patient));
    expect(late.changes).toEqual([]);
    expect(participant(late.state, patient.sid)).toMatchObject({
      status: "disconnected",
      disconnectedAt: seconds(45),
      connectedMs: 25_000,
    });
  });
});
