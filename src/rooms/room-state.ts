import { isParticipantKind, type RoomEvent, type RoomEventKind } from "../providers/room-event";
import {
  compareText,
  type ParticipantFacts,
  type ParticipantState,
  summariseParticipant,
  type Transition,
  withTransition,
} from "./participant-timeline";

export type RoomStatus = "not_found" | "in-progress" | "completed";

/** A room-created or room-ended report. */
export interface RoomFact {
  eventId: string;
  kind: "room-created" | "room-ended";
  at: number;
}

export interface LoggedEvent {
  id: string;
  kind: RoomEventKind;
  at: number;
  participantKey?: string;
}

/**
 * The live state of one room, plain JSON so a Durable Object can store it as one value.
 * `roomFacts` and each participant's `transitions` are what the providers reported; every
 * other field is derived from them, so the state depends on which events arrived, never on
 * the order they arrived in. Event identities are kept with the facts they produced, which is
 * how redeliveries are recognised without an ever-growing set of ids.
 */
export interface RoomState {
  /**
   * The room of the latest event by the provider's clock: Twilio gives a room name reused after
   * its room ended a new RoomSid, and healing must read the room that is live now.
   */
  roomSid?: string;
  /** When `roomSid` was last reported (epoch ms, provider's clock). */
  roomSidAt?: number;
  status: RoomStatus;
  /** The earliest room-created, or the earliest join when that webhook was lost. */
  createdAt?: number;
  /** The latest room-created or join: the last moment the room is known to have been live. */
  liveAt?: number;
  /** The latest room-ended; the room counts as completed only if nothing was live after it. */
  endedAt?: number;
  roomFacts: RoomFact[];
  /** Sorted by key. */
  participants: ParticipantState[];
  /** The last LOG_LIMIT events applied, reconciliation's corrections included, in arrival order. */
  log: LoggedEvent[];
}

export const LOG_LIMIT = 500;

/** What an update changed, for live pushes and the appointment record. */
export type RoomChange =
  | { type: "call.started"; at: number }
  | { type: "call.ended"; at: number }
  | { type: "participant.joined"; key: string; identity: string; at: number }
  | { type: "participant.left"; key: string; identity: string; at: number; connectedMs: number };

export interface RoomUpdate {
  state: RoomState;
  /** Status transitions only: a late event that just corrects a duration changes the state, not this. */
  changes: RoomChange[];
}

type RoomFactsOnly = Pick<RoomState, "roomSid" | "roomSidAt" | "roomFacts" | "log"> & { participants: readonly ParticipantFacts[] };

/** The state of a room nothing has been heard about yet. */
export function emptyRoomState(): RoomState {
  return { status: "not_found", roomFacts: [], participants: [], log: [] };
}

/**
 * Folds one provider event into the room state. Redeliveries are ignored (`duplicate`); a late
 * event is recorded but cannot undo a later one: a connect older than an applied disconnect
 * does not resurrect the participant (Agora: a lower clientSeq), and a room-created older than
 * an applied room-ended does not reopen the room.
 */
export function applyRoomEvent(state: RoomState, event: RoomEvent): RoomUpdate & { duplicate: boolean } {
  if (wasApplied(state, event)) return { state, changes: [], duplicate: true };
  const { kind, participant } = event;
  const next = settle({
    ...latestRoom(state, event),
    roomFacts:
      kind === "room-created" || kind === "room-ended"
        ? [...state.roomFacts, { eventId: event.id, kind, at: event.at }].sort((a, b) => a.at - b.at || compareText(a.eventId, b.eventId))
        : state.roomFacts,
    participants:
      isParticipantKind(kind) && participant
        ? withTransition(state.participants, participant, {
            eventId: event.id,
            kind: kind === "participant-connected" ? "connected" : "disconnected",
            at: event.at,
            ...(event.clientSeq !== undefined && { clientSeq: event.clientSeq }),
          })
        : state.participants,
    log: appendToLog(state.log, [{ id: event.id, kind, at: event.at, ...(participant && { participantKey: participant.key }) }]),
  });
  return { state: next, changes: changesBetween(state, next), duplicate: false };
}

/**
 * Brings the state in line with the provider's list of connected participants (Twilio:
 * `GET /v1/Rooms/{sid}/Participants?Status=connected`), since webhooks get lost. A listed
 * participant we never heard of is added as connected from `connectedAt` (or `now`); one we
 * think connected but the list omits is disconnected at `now`. A participant whose disconnect
 * we already have stays disconnected: Twilio gives a reconnect a new ParticipantSid.
 * `listedFrom` is the state when the list was asked for: a join applied since is newer than the
 * list, so the list's silence about it proves nothing.
 */
export function reconcileParticipants(
  state: RoomState,
  connectedFromApi: ReadonlyArray<{ key: string; identity: string; connectedAt?: number }>,
  now: number,
  listedFrom: RoomState = state,
): RoomUpdate {
  const known = new Set(state.participants.map((participant) => participant.key));
  const listed = new Set(connectedFromApi.map((participant) => participant.key));
  const connectedWhenAsked = new Set(
    listedFrom.participants.filter((participant) => participant.status === "connected").map((participant) => participant.key),
  );
  const corrections: Array<{ who: { key: string; identity: string }; transition: Transition }> = [
    ...connectedFromApi
      .filter((participant) => !known.has(participant.key))
      .map((who) => ({
        who,
        transition: { eventId: `reconcile:${who.key}:${now}`, kind: "connected" as const, at: who.connectedAt ?? now },
      })),
    ...state.participants
      .filter(
        (participant) => participant.status === "connected" && connectedWhenAsked.has(participant.key) && !listed.has(participant.key),
      )
      .map((who) => ({ who, transition: { eventId: `reconcile:${who.key}:${now}`, kind: "disconnected" as const, at: now } })),
  ];
  const next = settle({
    ...state,
    participants: corrections.reduce<readonly ParticipantFacts[]>(
      (participants, { who, transition }) => withTransition(participants, who, transition),
      state.participants,
    ),
    log: appendToLog(
      state.log,
      corrections.map(({ who, transition }) => ({
        id: transition.eventId,
        kind: `participant-${transition.kind}` as const,
        at: transition.at,
        participantKey: who.key,
      })),
    ),
  });
  return { state: next, changes: changesBetween(state, next) };
}

/** The room sid of whichever is later, the state's or the event's; exact ties go to the greater sid, so arrival order never matters. */
function latestRoom(state: RoomState, event: RoomEvent): Pick<RoomState, "roomSid" | "roomSidAt"> {
  const { roomSid, roomSidAt } = state;
  const eventIsLater =
    roomSid === undefined ||
    roomSidAt === undefined ||
    event.at > roomSidAt ||
    (event.at === roomSidAt && compareText(event.roomSid, roomSid) > 0);
  return eventIsLater ? { roomSid: event.roomSid, roomSidAt: event.at } : { roomSid, roomSidAt };
}

function wasApplied(state: RoomState, event: RoomEvent): boolean {
  const participant = event.participant && state.participants.find((candidate) => candidate.key === event.participant?.key);
  return (
    state.roomFacts.some((fact) => fact.eventId === event.id) ||
    (participant?.transitions.some((transition) => transition.eventId === event.id) ?? false) ||
    // Events that leave no fact are harmless to repeat once they have left the log.
    state.log.some((logged) => logged.id === event.id)
  );
}

/** Derives every computed field from the facts. */
function settle(facts: RoomFactsOnly): RoomState {
  const roomEnds = facts.roomFacts.filter((fact) => fact.kind === "room-ended").map((fact) => fact.at);
  const participants = facts.participants.map((participant) => summariseParticipant(participant, roomEnds));
  const created = facts.roomFacts.filter((fact) => fact.kind === "room-created").map((fact) => fact.at);
  const joins = participants.flatMap((participant) =>
    participant.transitions.filter((transition) => transition.kind === "connected").map((transition) => transition.at),
  );
  const liveAt = latest([...created, ...joins]);
  const endedAt = latest(roomEnds);
  const status: RoomStatus =
    endedAt !== undefined && (liveAt === undefined || endedAt >= liveAt) ? "completed" : liveAt !== undefined ? "in-progress" : "not_found";
  return { ...facts, status, createdAt: earliest(created) ?? earliest(joins), liveAt, endedAt, participants };
}

function changesBetween(before: RoomState, after: RoomState): RoomChange[] {
  const changes: RoomChange[] = [];
  if (after.status === "in-progress" && before.status !== "in-progress") changes.push({ type: "call.started", at: after.liveAt ?? 0 });
  for (const participant of after.participants) {
    const wasConnected = before.participants.find((candidate) => candidate.key === participant.key)?.status === "connected";
    const { key, identity, status, connectedAt, disconnectedAt, connectedMs } = participant;
    if (status === "connected" && !wasConnected) changes.push({ type: "participant.joined", key, identity, at: connectedAt ?? 0 });
    if (status === "disconnected" && wasConnected)
      changes.push({ type: "participant.left", key, identity, at: disconnectedAt ?? 0, connectedMs });
  }
  if (after.status === "completed" && before.status !== "completed") changes.push({ type: "call.ended", at: after.endedAt ?? 0 });
  return changes;
}

const appendToLog = (log: readonly LoggedEvent[], entries: readonly LoggedEvent[]) => [...log, ...entries].slice(-LOG_LIMIT);

const latest = (times: readonly number[]) => (times.length === 0 ? undefined : Math.max(...times));
const earliest = (times: readonly number[]) => (times.length === 0 ? undefined : Math.min(...times));
