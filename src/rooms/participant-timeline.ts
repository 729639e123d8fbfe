export type ParticipantStatus = "connected" | "disconnected";

/** One connect or disconnect of a participant, as reported by one event. */
export interface Transition {
  /** The reporting event's identity, so a redelivery is recognised. */
  eventId: string;
  kind: ParticipantStatus;
  /** Epoch ms by the provider's clock. */
  at: number;
  /** Agora's per-user sequence number; when present it, not time, decides the order. */
  clientSeq?: number;
}

/** What was reported about a participant: every transition, in event order. */
export interface ParticipantFacts {
  /** Twilio ParticipantSid or Agora uid. */
  key: string;
  identity: string;
  transitions: Transition[];
}

/** The facts plus what follows from them; recomputed whenever the facts change. */
export interface ParticipantState extends ParticipantFacts {
  status: ParticipantStatus;
  /** Start of the latest connected spell. */
  connectedAt?: number;
  /** End of the latest connected spell, once it has ended. */
  disconnectedAt?: number;
  /** Connected time of the spells that have ended; an open spell is added at read time. */
  connectedMs: number;
  /** Position of the latest transition in event order: the one the status follows. */
  lastAt: number;
  lastClientSeq?: number;
}

/**
 * The participants with one more transition recorded, in event order. All transitions are kept,
 * not only the latest, so a late event still counts towards durations while the status keeps
 * following the latest event.
 */
export function withTransition(
  participants: readonly ParticipantFacts[],
  who: { key: string; identity: string },
  transition: Transition,
): ParticipantFacts[] {
  const existing = participants.find((participant) => participant.key === who.key);
  const others = participants.filter((participant) => participant !== existing);
  const transitions = [...(existing?.transitions ?? []), transition].sort(inEventOrder);
  const updated = { key: who.key, identity: existing?.identity ?? who.identity, transitions };
  return [...others, updated].sort((a, b) => compareText(a.key, b.key));
}

/**
 * Status, times and connected duration from a participant's transitions. `roomEnds` (epoch ms,
 * ascending) close any spell still open when the room ended, since every participant leaves
 * then even when their own disconnect webhook was lost.
 */
export function summariseParticipant(facts: ParticipantFacts, roomEnds: readonly number[]): ParticipantState {
  const spells = connectedSpells(facts.transitions, roomEnds);
  const latest = spells.at(-1);
  const last = facts.transitions.at(-1);
  return {
    ...facts,
    status: latest && latest.end === undefined ? "connected" : "disconnected",
    connectedAt: latest?.start,
    disconnectedAt: latest?.end,
    connectedMs: spells.reduce((total, { start, end }) => total + (end === undefined ? 0 : Math.max(0, end - start)), 0),
    lastAt: last?.at ?? 0,
    lastClientSeq: last?.clientSeq,
  };
}

/** The spells between a connect and the next disconnect or room end; only the last may be open. */
function connectedSpells(transitions: readonly Transition[], roomEnds: readonly number[]): Array<{ start: number; end?: number }> {
  const spells: Array<{ start: number; end?: number }> = [];
  let open: { start: number; end?: number } | undefined;
  const roomEndWithin = (from: number, to: number) => roomEnds.find((end) => end >= from && end <= to);
  for (const transition of transitions) {
    const roomEnd = open && roomEndWithin(open.start, transition.at);
    if (open && roomEnd !== undefined) {
      open.end = roomEnd;
      open = undefined;
    }
    if (transition.kind === "connected" && !open) {
      open = { start: transition.at };
      spells.push(open);
    } else if (transition.kind === "disconnected" && open) {
      open.end = transition.at;
      open = undefined;
    }
  }
  if (open) open.end = roomEndWithin(open.start, Infinity);
  return spells;
}

/**
 * Agora's clientSeq when both sides have one (its clock is the client's, in whole seconds);
 * otherwise time. At the same instant a leave follows a join; the event id settles exact ties
 * so that the order never depends on arrival.
 */
function inEventOrder(a: Transition, b: Transition): number {
  const bySequence = a.clientSeq !== undefined && b.clientSeq !== undefined ? a.clientSeq - b.clientSeq : 0;
  return bySequence || a.at - b.at || kindRank(a) - kindRank(b) || compareText(a.eventId, b.eventId);
}

const kindRank = (transition: Transition) => (transition.kind === "connected" ? 0 : 1);

export const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
