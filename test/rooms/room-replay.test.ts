import { describe, expect, it } from "vitest";
import type { RoomEvent } from "../../src/providers/room-event";
import { twilioRoomEvent } from "../../src/providers/twilio/room-events";
import {
  agoraEvent,
  replay,
  seconds,
  seededRandom,
  sessionParticipants,
  shuffledWithDuplicates,
  twilioSessionParams,
  withoutLog,
} from "./room-fixtures";

const { therapist, therapistAgain, patient, patientAgain } = sessionParticipants;
const twilioSession = twilioSessionParams(seconds).map((params) => twilioRoomEvent(params)!);

// Agora keeps the uid across rejoins and orders each user's events by clientSeq.
const agoraSession: RoomEvent[] = [
  agoraEvent(101, seconds(0)),
  agoraEvent(103, seconds(1), { uid: 1001, clientSeq: 11 }),
  agoraEvent(103, seconds(5), { uid: 2002, clientSeq: 21 }),
  agoraEvent(104, seconds(60), { uid: 2002, clientSeq: 22 }),
  agoraEvent(103, seconds(65), { uid: 2002, clientSeq: 23 }),
  agoraEvent(104, seconds(100), { uid: 1001, clientSeq: 12 }),
  agoraEvent(105, seconds(110), { uid: 1001, clientSeq: 13 }),
  agoraEvent(111, seconds(111), { uid: 1001, clientSeq: 14 }),
  agoraEvent(104, seconds(200), { uid: 2002, clientSeq: 24 }),
  agoraEvent(103, seconds(210), { uid: 2002, clientSeq: 25 }),
];

// The channel empties and is destroyed (uid 2002's leave is lost), then both rejoin a new channel.
const agoraRecreatedChannel: RoomEvent[] = [
  agoraEvent(101, seconds(0)),
  agoraEvent(103, seconds(10), { uid: 1001, clientSeq: 1 }),
  agoraEvent(103, seconds(20), { uid: 2002, clientSeq: 1 }),
  agoraEvent(104, seconds(40), { uid: 1001, clientSeq: 2 }),
  agoraEvent(102, seconds(50)),
  agoraEvent(101, seconds(60)),
  agoraEvent(103, seconds(70), { uid: 2002, clientSeq: 2 }),
  agoraEvent(103, seconds(75), { uid: 1001, clientSeq: 3 }),
  agoraEvent(104, seconds(100), { uid: 2002, clientSeq: 3 }),
];

describe("replaying a session in any order, with redeliveries, ends in the same state", () => {
  const scenarios = [
    {
      name: "Twilio, reconnects as new participants, room ended",
      events: twilioSession,
      expected: {
        status: "completed",
        createdAt: seconds(0),
        endedAt: seconds(310),
        participants: [
          { key: therapist.sid, status: "disconnected", connectedAt: seconds(1), disconnectedAt: seconds(100), connectedMs: 99_000 },
          {
            key: therapistAgain.sid,
            status: "disconnected",
            connectedAt: seconds(110),
            disconnectedAt: seconds(301),
            connectedMs: 191_000,
          },
          { key: patient.sid, status: "disconnected", connectedAt: seconds(5), disconnectedAt: seconds(60), connectedMs: 55_000 },
          { key: patientAgain.sid, status: "disconnected", connectedAt: seconds(65), disconnectedAt: seconds(300), connectedMs: 235_000 },
        ],
      },
    },
    {
      name: "Twilio with the disconnect webhooks lost: the room end closes every spell",
      events: twilioSession.filter((event) => event.kind !== "participant-disconnected"),
      expected: {
        status: "completed",
        endedAt: seconds(310),
        participants: [therapist, therapistAgain, patient, patientAgain].map((who, i) => ({
          key: who.sid,
          status: "disconnected",
          disconnectedAt: seconds(310),
          connectedMs: seconds(310) - [seconds(1), seconds(110), seconds(5), seconds(65)][i]!,
        })),
      },
    },
    {
      name: "Agora, same uid reconnecting, both still connected",
      events: agoraSession,
      expected: {
        status: "in-progress",
        createdAt: seconds(0),
        participants: [
          { key: "1001", status: "connected", connectedAt: seconds(110), connectedMs: 99_000, lastClientSeq: 14 },
          { key: "2002", status: "connected", connectedAt: seconds(210), connectedMs: 55_000 + 135_000, lastClientSeq: 25 },
        ],
      },
    },
    {
      name: "Agora channel destroyed and recreated, one leave lost",
      events: agoraRecreatedChannel,
      expected: {
        status: "in-progress",
        createdAt: seconds(0),
        endedAt: seconds(50),
        participants: [
          { key: "1001", status: "connected", connectedAt: seconds(75), connectedMs: 30_000 },
          { key: "2002", status: "disconnected", connectedAt: seconds(70), disconnectedAt: seconds(100), connectedMs: 30_000 + 30_000 },
        ],
      },
    },
  ];

  it.each(scenarios)("in delivery order: $name", ({ events, expected }) => {
    const state = replay(events);
    expect(state).toMatchObject(expected);
    expect(state.participants).toHaveLength(expected.participants.length);
    expect(state.log.map((logged) => logged.id)).toEqual(events.map((event) => event.id));
  });

  it.each(scenarios)("over 200 seeded shuffles with redeliveries: $name", ({ events }) => {
    const inOrder = withoutLog(replay(events));
    for (let seed = 1; seed <= 200; seed++) {
      const delivered = shuffledWithDuplicates(events, seededRandom(seed));
      const state = replay(delivered);
      expect(withoutLog(state), `seed ${seed}`).toEqual(inOrder);
      expect(new Set(state.log.map((logged) => logged.id)).size, `seed ${seed}: each event logged once`).toBe(state.log.length);
    }
  });
});
