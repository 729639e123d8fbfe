import { agoraChannelEvent } from "../../src/providers/agora/ncs-events";
import type { RoomEvent } from "../../src/providers/room-event";
import { twilioRoomEvent } from "../../src/providers/twilio/room-events";
import type { FormParams } from "../../src/providers/twilio/webhook-signature";
import { applyRoomEvent, emptyRoomState, type RoomState } from "../../src/rooms/room-state";

export const T0 = Date.parse("2026-03-02T15:00:00Z");
export const seconds = (n: number) => T0 + n * 1000;

export const ROOM_SID = "RM00000000000000000000000000000001";

export const therapist = { sid: "PA00000000000000000000000000000001", identity: "therapist:7" };
export const patient = { sid: "PA00000000000000000000000000000002", identity: "patient:9" };

/** The state after applying the events in the order given. */
export const replay = (events: readonly RoomEvent[], from: RoomState = emptyRoomState()) =>
  events.reduce((state, event) => applyRoomEvent(state, event).state, from);

/** The form fields of a Twilio Rooms status callback, as Twilio posts them. */
export function twilioParams(event: string, at: number, sequence: number, participant?: { sid: string; identity: string }): FormParams {
  return [
    ["AccountSid", "AC00000000000000000000000000000001"],
    ["RoomName", "appt-42"],
    ["RoomSid", ROOM_SID],
    ["RoomStatus", event === "room-ended" ? "completed" : "in-progress"],
    ["RoomType", "group"],
    ["StatusCallbackEvent", event],
    ["Timestamp", new Date(at).toISOString()],
    ["SequenceNumber", String(sequence)],
    ...(participant
      ? ([
          ["ParticipantSid", participant.sid],
          ["ParticipantIdentity", participant.identity],
          ["ParticipantStatus", event === "participant-disconnected" ? "disconnected" : "connected"],
        ] as const)
      : []),
  ];
}

export function twilioEvent(...args: Parameters<typeof twilioParams>): RoomEvent {
  const event = twilioRoomEvent(twilioParams(...args));
  if (!event) throw new Error("fixture did not parse");
  return event;
}

/** An Agora NCS RTC channel event body; `at` is epoch ms and is sent as Unix seconds. */
export function agoraBody(eventType: number, at: number, user?: { uid: number; clientSeq: number }, noticeId?: string) {
  const ts = Math.floor(at / 1000);
  return {
    noticeId: noticeId ?? `${eventType}:${ts}:${user?.uid ?? "-"}:${user?.clientSeq ?? "-"}`,
    productId: 1,
    eventType,
    notifyMs: at + 250,
    sid: "C866467GVJJ54687",
    payload: { channelName: "appt-42", ts, ...(user && { uid: user.uid, platform: 7, clientSeq: user.clientSeq }) },
  };
}

export function agoraEvent(...args: Parameters<typeof agoraBody>): RoomEvent {
  const event = agoraChannelEvent(agoraBody(...args));
  if (!event) throw new Error("fixture did not parse");
  return event;
}

/** The same callback from another room: the end-to-end tests need a room an appointment owns. */
export function inRoom(params: FormParams, roomName: string): FormParams {
  return params.map(([name, value]) => [name, name === "RoomName" ? roomName : value] as const);
}

/** The same Agora notice from another channel. */
export function inChannel<T extends ReturnType<typeof agoraBody>>(body: T, channelName: string): T {
  return { ...body, payload: { ...body.payload, channelName } };
}

/** mulberry32: a small seeded PRNG, so a failing permutation can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The events shuffled, with some of them delivered again at random places. */
export function shuffledWithDuplicates<T>(events: readonly T[], random: () => number): T[] {
  const delivered = [...events];
  const redeliveries = Math.floor(random() * events.length);
  for (let i = 0; i < redeliveries; i++) delivered.push(events[Math.floor(random() * events.length)]!);
  for (let i = delivered.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [delivered[i], delivered[j]] = [delivered[j]!, delivered[i]!];
  }
  return delivered;
}

/** Everything but the log, which records arrival order by design. */
export const withoutLog = ({ log: _log, ...rest }: RoomState) => rest;

/** The parties of `twilioSessionParams`: Twilio gives each connection its own ParticipantSid. */
export const sessionParticipants = {
  therapist: { sid: "PA0000000000000000000000000000000a", identity: "therapist:7" },
  therapistAgain: { sid: "PA0000000000000000000000000000000b", identity: "therapist:7" },
  patient: { sid: "PA0000000000000000000000000000000c", identity: "patient:9" },
  patientAgain: { sid: "PA0000000000000000000000000000000d", identity: "patient:9" },
};

/**
 * A whole Twilio session's callbacks: both parties reconnect (as new participants), track events
 * in between, the room ends. `at(n)` is second n of the session in epoch ms.
 */
export function twilioSessionParams(at: (second: number) => number): FormParams[] {
  const { therapist, therapistAgain, patient, patientAgain } = sessionParticipants;
  return [
    twilioParams("room-created", at(0), 0),
    twilioParams("participant-connected", at(1), 1, therapist),
    twilioParams("track-added", at(2), 2, therapist),
    twilioParams("participant-connected", at(5), 3, patient),
    twilioParams("participant-disconnected", at(60), 4, patient),
    twilioParams("participant-connected", at(65), 5, patientAgain),
    twilioParams("participant-disconnected", at(100), 6, therapist),
    twilioParams("participant-connected", at(110), 7, therapistAgain),
    twilioParams("track-disabled", at(200), 8, patientAgain),
    twilioParams("participant-disconnected", at(300), 9, patientAgain),
    twilioParams("participant-disconnected", at(301), 10, therapistAgain),
    twilioParams("room-ended", at(310), 11),
  ];
}
