import type { VideoProvider } from "../base/video-provider";
import type { RoomEvent } from "../providers/room-event";
import type { RoomState } from "./room-state";

/** How often a live Twilio room re-reads who is connected, since webhooks get lost. */
export const HEAL_INTERVAL_MS = 2 * 60_000;
/**
 * The longest a Twilio participant stays connected (MaxParticipantDuration's ceiling): a day
 * after the last join, everyone is gone whatever our lost webhooks or a failing API say.
 */
export const TWILIO_MAX_PARTICIPANT_MS = 24 * 60 * 60_000;
/** A room with nobody in it for this long is over, whether or not its end was reported. */
export const EMPTY_ROOM_TIMEOUT_MS = 15 * 60_000;
const D1_RETRY_FIRST_MS = 30_000;
const D1_RETRY_MAX_MS = 10 * 60_000;

/** Since when a live room has had nobody connected (epoch ms); undefined while someone is in it. */
export function emptySince(state: RoomState): number | undefined {
  if (state.status !== "in-progress" || state.participants.some((participant) => participant.status === "connected")) return undefined;
  const lastSeen = [state.liveAt ?? 0, ...state.participants.map((participant) => participant.disconnectedAt ?? 0)];
  return Math.max(...lastSeen);
}

/**
 * When the room object must next wake up, or undefined when it may sleep for good:
 * - a D1 update still pending: retry with backoff (30 s doubling to 10 min), or, for a completion
 *   held back because the room ended early, write it when the hold ends (the join window closes);
 * - a live room whose provider can list who is connected (`heals`: Twilio's Rooms API): heal
 *   every HEAL_INTERVAL_MS, for as long as anyone can still be connected
 *   (TWILIO_MAX_PARTICIPANT_MS after the last join);
 * - a live room nobody is in: end it EMPTY_ROOM_TIMEOUT_MS after it emptied;
 * - open sockets: close each when its holder's token expires (and a party's signalling when the
 *   join window closes);
 * - a provider revocation not yet acknowledged: retry it.
 * A completed room with nothing pending needs no alarm.
 */
export function nextAlarmAt({
  state,
  heals,
  pending,
  socketsLapseAt,
  revocationRetryAt,
  now,
}: {
  state: RoomState;
  /** The room's provider can say who is connected now, so lost webhooks are healed. */
  heals: boolean;
  /** The D1 update still to be written (its failed attempts, and until when it is held back); undefined when nothing is pending. */
  pending: { attempts: number; heldUntil?: number } | undefined;
  /** The earliest moment an open socket must close (epoch ms), if any is open. */
  socketsLapseAt?: number;
  /** When a provider revocation is due again (epoch ms), if one is pending. */
  revocationRetryAt?: number;
  now: number;
}): number | undefined {
  const candidates: number[] = [];
  if (pending) candidates.push(pending.heldUntil ?? now + Math.min(D1_RETRY_FIRST_MS * 2 ** pending.attempts, D1_RETRY_MAX_MS));
  const anyoneMayBeConnected = state.liveAt !== undefined && now < state.liveAt + TWILIO_MAX_PARTICIPANT_MS;
  if (state.status === "in-progress" && heals && state.roomSid && anyoneMayBeConnected) candidates.push(now + HEAL_INTERVAL_MS);
  const emptied = emptySince(state);
  if (emptied !== undefined) candidates.push(emptied + EMPTY_ROOM_TIMEOUT_MS);
  if (socketsLapseAt !== undefined) candidates.push(socketsLapseAt);
  if (revocationRetryAt !== undefined) candidates.push(revocationRetryAt);
  return candidates.length === 0 ? undefined : Math.min(...candidates);
}

/**
 * The room end the provider never reported, once the room has been empty past the timeout. It
 * ends the room when the last person left (that is when the session ended), and its id is
 * derived from that moment, so a later check adds nothing twice.
 */
export function emptyRoomTimeoutEvent(state: RoomState, provider: VideoProvider, roomName: string, now: number): RoomEvent | undefined {
  const emptied = emptySince(state);
  if (emptied === undefined || now < emptied + EMPTY_ROOM_TIMEOUT_MS) return undefined;
  return {
    id: `empty-room-timeout:${emptied}`,
    provider,
    kind: "room-ended",
    at: emptied,
    roomName,
    roomSid: state.roomSid ?? roomName,
  };
}
