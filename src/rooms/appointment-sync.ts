import { transitionStatus } from "../appointments/queries";
import type { RoomState } from "./room-state";

/** What the room's facts say the appointment row should show. Times are epoch ms. */
export type AppointmentUpdate = { status: "ongoing"; startedAt: number } | { status: "completed"; startedAt: number; endedAt: number };

/**
 * The D1 bookkeeping a room object keeps: the last status written, and the update still to be
 * written. An update is cleared only after D1 took it, so a failed write is retried, never lost.
 */
export interface AppointmentSync {
  synced?: AppointmentUpdate["status"];
  pending?: AppointmentUpdate & { attempts: number };
}

const rank = (status: AppointmentUpdate["status"] | undefined) => (status === "completed" ? 2 : status === "ongoing" ? 1 : 0);

/**
 * Ongoing from the first join; completed once the room has ended. A room nobody joined (created
 * for a token, then timed out unused) leaves the appointment as it is: that is a no-show, not a
 * session.
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
 * The bookkeeping after a state change: the room's update becomes pending when it moves the
 * appointment further than D1 already is (a room reopened after its end does not walk a
 * completed appointment back). A pending update is refreshed with the latest facts.
 */
export function withPendingUpdate(sync: AppointmentSync, state: RoomState): AppointmentSync {
  const wanted = appointmentUpdateFor(state);
  if (!wanted || rank(wanted.status) <= rank(sync.synced) || rank(wanted.status) < rank(sync.pending?.status)) return sync;
  return { ...sync, pending: { ...wanted, attempts: sync.pending?.attempts ?? 0 } };
}

/** The bookkeeping once D1 took `written`; a pending update it covers is done. */
export function afterWrite(sync: AppointmentSync, written: AppointmentUpdate): AppointmentSync {
  const synced = rank(written.status) > rank(sync.synced) ? written.status : sync.synced;
  const pending = sync.pending && rank(sync.pending.status) > rank(synced) ? sync.pending : undefined;
  return { ...(synced && { synced }), ...(pending && { pending }) };
}

/** The bookkeeping after D1 refused the pending update: still pending, one attempt more. */
export function afterFailedWrite(sync: AppointmentSync): AppointmentSync {
  return sync.pending ? { ...sync, pending: { ...sync.pending, attempts: sync.pending.attempts + 1 } } : sync;
}

/**
 * Writes the update through the appointment's status machine: never from cancelled, never twice.
 * An appointment already past the update (or cancelled) is left alone, which counts as done.
 */
export async function writeAppointmentUpdate(db: D1Database, appointmentId: number, update: AppointmentUpdate, now: number): Promise<void> {
  const seconds = (ms: number) => Math.floor(ms / 1000);
  if (update.status === "ongoing") {
    await transitionStatus(db, appointmentId, ["scheduled", "confirmed"], "ongoing", seconds(now), {
      startedAt: seconds(update.startedAt),
    });
    return;
  }
  await transitionStatus(db, appointmentId, ["scheduled", "confirmed", "ongoing"], "completed", seconds(now), {
    startedAt: seconds(update.startedAt),
    endedAt: seconds(update.endedAt),
  });
}
