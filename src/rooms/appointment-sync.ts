import { joinWindow, type SessionTiming, sessionEndsAt } from "../appointments/join-window";
import { findAppointment, transitionStatus } from "../appointments/queries";
import { sessionTiming } from "../appointments/views";
import type { RoomState } from "./room-state";

/** What the room's facts say the appointment row should show. Times are epoch ms. */
export type AppointmentUpdate = { status: "ongoing"; startedAt: number } | { status: "completed"; startedAt: number; endedAt: number };

/**
 * The D1 bookkeeping a room object keeps: the last status written, and the update still to be
 * written. An update is cleared only after D1 took it, so a failed write is retried, never lost.
 */
export interface AppointmentSync {
  synced?: AppointmentUpdate["status"];
  pending?: PendingUpdate;
}

export type PendingUpdate = AppointmentUpdate & {
  attempts: number;
  /** A completion waits until then (epoch ms): the room ended early and the parties may rejoin (`completionHeldUntil`). */
  heldUntil?: number;
};

const rank = (status: AppointmentUpdate["status"] | undefined) => (status === "completed" ? 2 : status === "ongoing" ? 1 : 0);

/**
 * Ongoing from the first join; completed once the room has ended (written when the room's end
 * allows it, see `completionHeldUntil`). A room nobody joined (created for a token, then timed
 * out unused) leaves the appointment as it is: that is a no-show, not a session.
 */
export function appointmentUpdateFor(state: RoomState): AppointmentUpdate | undefined {
  const joins = state.participants.flatMap((participant) =>
    participant.transitions.filter((transition) => transition.kind === "connected").map((transition) => transition.at),
  );
  if (joins.length === 0) return undefined;
  const startedAt = Math.min(...joins);
  if (state.status === "completed" && state.endedAt !== undefined) return { status: "completed", startedAt, endedAt: state.endedAt };
  return { status: "ongoing", startedAt };
}

/**
 * Until when a room's end waits before it completes the appointment (epoch ms), or undefined
 * when it completes it now. A room that ended before the booked end (everyone dropped, or an
 * empty-room timeout) is not the end of the session: its parties may rejoin while the join window
 * is open. A room that ended at or after the booked end, or a window already shut, completes it.
 */
export function completionHeldUntil(session: SessionTiming, endedAt: number, now: number): number | undefined {
  const window = joinWindow(session, Math.floor(now / 1000));
  const endedEarly = endedAt < sessionEndsAt(session) * 1000;
  return endedEarly && window.closedBecause === undefined ? window.closesAt * 1000 : undefined;
}

/**
 * The bookkeeping after a state change: the room's update becomes pending when it moves the
 * appointment further than D1 already is (a room reopened after its end does not walk a
 * completed appointment back). A pending update is refreshed with the latest facts, and a
 * pending completion is withdrawn when the room is live again (someone rejoined).
 */
export function withPendingUpdate(sync: AppointmentSync, state: RoomState): AppointmentSync {
  const wanted = appointmentUpdateFor(state);
  const { pending, ...withoutPending } = sync;
  const current: AppointmentSync = pending?.status === "completed" && wanted?.status !== "completed" ? withoutPending : sync;
  if (!wanted || rank(wanted.status) <= rank(current.synced) || rank(wanted.status) < rank(current.pending?.status)) return current;
  return { ...current, pending: { ...wanted, attempts: current.pending?.attempts ?? 0 } };
}

/** The bookkeeping once D1 took `written`; a pending update it covers is done. */
export function afterWrite(sync: AppointmentSync, written: AppointmentUpdate): AppointmentSync {
  const synced = rank(written.status) > rank(sync.synced) ? written.status : sync.synced;
  const pending = sync.pending && rank(sync.pending.status) > rank(synced) ? sync.pending : undefined;
  return { ...(synced && { synced }), ...(pending && { pending }) };
}

/**
 * The bookkeeping once D1 showed the session under way and held `update`, a completion, back
 * until `heldUntil`: the pending completion waits for then, unless the room changed meanwhile
 * (someone rejoined, or it ended again), in which case the pending update is the room's newer one.
 */
export function afterHeldBack(sync: AppointmentSync, update: AppointmentUpdate, heldUntil: number): AppointmentSync {
  const { pending } = sync;
  const synced = rank(sync.synced) > rank("ongoing") ? sync.synced : "ongoing";
  if (!pending || rank(pending.status) <= rank(synced)) return { synced };
  const same = pending.status === "completed" && update.status === "completed" && pending.endedAt === update.endedAt;
  return { synced, pending: same ? { ...pending, attempts: 0, heldUntil } : pending };
}

/** The bookkeeping after D1 refused the pending update: still pending, one attempt more, retried with backoff. */
export function afterFailedWrite(sync: AppointmentSync): AppointmentSync {
  if (!sync.pending) return sync;
  const { heldUntil: _due, ...pending } = sync.pending;
  return { ...sync, pending: { ...pending, attempts: pending.attempts + 1 } };
}

/**
 * Writes the update through the appointment's status machine: never from cancelled, never twice.
 * An appointment already past the update (or cancelled) is left alone, which counts as done.
 * A completion the room's end does not allow yet (`completionHeldUntil`) only marks the session
 * under way; it returns until when the completion is held back.
 */
export async function writeAppointmentUpdate(
  db: D1Database,
  appointmentId: number,
  update: AppointmentUpdate,
  now: number,
): Promise<number | undefined> {
  const seconds = (ms: number) => Math.floor(ms / 1000);
  const start = () =>
    transitionStatus(db, appointmentId, ["scheduled", "confirmed"], "ongoing", seconds(now), { startedAt: seconds(update.startedAt) });
  if (update.status === "ongoing") {
    await start();
    return undefined;
  }
  const appointment = await findAppointment(db, appointmentId);
  const heldUntil = appointment ? completionHeldUntil(sessionTiming(appointment), update.endedAt, now) : undefined;
  if (heldUntil !== undefined) {
    await start();
    return heldUntil;
  }
  await transitionStatus(db, appointmentId, ["scheduled", "confirmed", "ongoing"], "completed", seconds(now), {
    startedAt: seconds(update.startedAt),
    endedAt: seconds(update.endedAt),
  });
  return undefined;
}
