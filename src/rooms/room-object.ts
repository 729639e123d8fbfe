import { DurableObject } from "cloudflare:workers";
import { findAppointmentByRoom } from "../appointments/queries";
import { recordAudit } from "../audit/record";
import { configOf } from "../base/config";
import { errorKind } from "../base/errors";
import type { RoomEvent } from "../providers/room-event";
import type { VideoProviderAdapter } from "../providers/video-adapter";
import { videoProviderAdapters } from "../video/provider-registry";
import {
  type AppointmentSync,
  type AppointmentUpdate,
  afterFailedWrite,
  afterHeldBack,
  afterWrite,
  withPendingUpdate,
  writeAppointmentUpdate,
} from "./appointment-sync";
import {
  acceptEventsSocket,
  broadcastToEventsSockets,
  endEventsSockets,
  eventsSocketCapRefusal,
  openEventsSockets,
} from "./events-sockets";
import { callCancelledMessage, changeMessage, statusMessage } from "./live-messages";
import { participantAuditEvents } from "./participant-audit";
import {
  afterProviderAttempt,
  dueRevocations,
  isRevoked,
  nextRetryAt,
  noRevocations,
  type PendingRevocation,
  type Revocation,
  type Revocations,
  socketEndsFor,
  withRevocation,
} from "./revocations";
import { emptyRoomTimeoutEvent, nextAlarmAt } from "./room-alarm";
import type { RoomCast } from "./room-cast";
import { applyRoomEvent, emptyRoomState, type RoomChange, type RoomState, reconcileParticipants } from "./room-state";
import { type AppointmentRoomStatus, appointmentRoomStatus } from "./room-status-view";
import type { Delivery, RoomRef } from "./room-stub";
import { relayedSignal, type SignallingParty } from "./signalling";
import {
  admitSignallingSocket,
  endSignallingSockets,
  lapsed,
  openSignallingSockets,
  relayToOtherParty,
  signallingPartyOf,
  signallingSocketClosed,
} from "./signalling-sockets";
import { endSocket, type SocketEndCause } from "./socket-ends";
import { type SocketHolder, socketRequestFromUrl } from "./socket-requests";

/** Storage keys (SQLite-backed KV); each value is written whole, in the same step as the others. */
const keys = { ref: "ref", state: "state", sync: "appointment-sync", revocations: "revocations", cast: "cast" } as const;

type Watched = Omit<RoomRef, "provider">;

/**
 * One video room: the only writer of its live state. Each provider event is applied once and
 * stored before the webhook is answered; dashboards' WebSockets hibernate between changes; an
 * alarm heals lost webhooks, ends rooms left empty, and retries the appointment's D1 update
 * until it lands. For the built-in provider it also relays the two parties' signalling (never
 * storing it), and their connections are its room events. The rules live in the pure modules
 * this class calls.
 */
export class RoomObject extends DurableObject<Env> {
  private ref: RoomRef | undefined;
  private state: RoomState;
  private sync: AppointmentSync;
  private syncing: Promise<void> | undefined;
  private revocations: Revocations;
  /** Who the parties are, kept for live events when identities are opaque (see `rememberCast`). */
  private cast: RoomCast | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.ref = ctx.storage.kv.get<RoomRef>(keys.ref);
    this.state = ctx.storage.kv.get<RoomState>(keys.state) ?? emptyRoomState();
    this.sync = ctx.storage.kv.get<AppointmentSync>(keys.sync) ?? {};
    this.revocations = ctx.storage.kv.get<Revocations>(keys.revocations) ?? noRevocations;
    this.cast = ctx.storage.kv.get<RoomCast>(keys.cast);
    // Keep-alive pings are answered without waking a hibernating object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }

  /**
   * Applies one verified provider event unless it was applied before; resolves once it is
   * stored. The room's appointment is read from D1 on the room's first event only, so later
   * events cost no D1 round trip. Events for a room no appointment of that provider owns are
   * dropped, and nothing is stored for them.
   */
  async receiveEvent(event: RoomEvent): Promise<Delivery> {
    const ref = this.ref ?? (await this.findRoom(event));
    if (!ref || ref.provider !== event.provider) {
      log({ event: "room_event_ignored", reason: "unknown_room", provider: event.provider, kind: event.kind, room_sid: event.roomSid });
      return "ignored";
    }
    return this.apply(event);
  }

  private async apply(event: RoomEvent): Promise<Delivery> {
    const { state, changes, duplicate } = applyRoomEvent(this.state, event);
    if (duplicate) return "duplicate";
    await this.commit(state, changes);
    return "applied";
  }

  /** The room's status; a `cast` names the participants it knows (opaque identities). */
  status(room: Watched, cast?: RoomCast): AppointmentRoomStatus {
    return appointmentRoomStatus(room, this.state, Date.now(), cast);
  }

  /**
   * Keeps the parties the Worker read from D1 (see `roomCast`), so live events name them: the
   * Worker decides the identity mode, as it does for tokens, and this object only matches.
   */
  rememberCast(cast: RoomCast): void {
    if (JSON.stringify(cast) === JSON.stringify(this.cast)) return;
    this.cast = cast;
    this.ctx.storage.kv.put(keys.cast, cast);
  }

  /**
   * Takes access back (see revocations.ts): recorded first, so a socket whose holder was checked
   * before now is refused from here on; a cancellation is announced (`call.cancelled`); the
   * sockets it covers close with the reason; then the provider drops the room and keeps tokens
   * issued before out, retried on the alarm until it answers. Resolves after the first attempt,
   * so the change that caused it answers only once access is gone.
   */
  async revokeAccess(ref: RoomRef, revocation: Revocation): Promise<void> {
    this.remember(ref);
    this.saveRevocations(withRevocation(this.revocations, revocation));
    if (revocation.cause === "cancelled") broadcastToEventsSockets(this.ctx, [callCancelledMessage(revocation.at)]);
    const ends = socketEndsFor(revocation.cause);
    const covers = (holder: SocketHolder) => revocation.userId === undefined || holder.userId === revocation.userId;
    endEventsSockets(this.ctx, (holder) => (covers(holder) ? ends.events : undefined));
    await this.applyAll(endSignallingSockets(this.ctx, (party) => (covers(party) ? ends.signalling : undefined), revocation.at));
    await this.revokeAtProvider(revocation.at);
    await this.scheduleAlarm();
  }

  /**
   * Opens a WebSocket the Worker asked for (`roomSocketRequest`): a party's signalling socket, or a
   * dashboard's live events (the current status, then every change).
   */
  override async fetch(request: Request): Promise<Response> {
    const socket = socketRequestFromUrl(request.url);
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket" || !socket) return new Response(null, { status: 400 });
    // Checked in D1 before a revocation landed here: the change it raced has already answered.
    if (isRevoked(this.revocations, socket.holder))
      return Response.json({ error: "Access to this session has been withdrawn" }, { status: 403 });
    if (socket.kind === "signal")
      return this.openSignalling({ ...socket.holder, closesAt: socket.closesAt, connectionId: crypto.randomUUID() });
    const tooMany = eventsSocketCapRefusal(openEventsSockets(this.ctx), socket.holder.userId);
    if (tooMany) return Response.json({ error: tooMany }, { status: 429 });
    const client = acceptEventsSocket(this.ctx, socket.holder, statusMessage(this.status(socket.holder, this.cast)));
    await this.scheduleAlarm();
    return new Response(null, { status: 101, webSocket: client });
  }

  /**
   * A signalling socket's offer, answer or candidate goes to the other party only, as it came,
   * and is not kept. A dashboard may ask again (`status`) for fresh durations. Anything else is ignored.
   */
  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const party = signallingPartyOf(this.ctx, ws);
    if (party) {
      if (lapsed(party, Date.now())) return this.endLapsedSockets();
      const signal = relayedSignal(message);
      if (!signal) return;
      relayToOtherParty(this.ctx, ws, party, signal);
      return;
    }
    const holder = ws.deserializeAttachment() as SocketHolder;
    if (Date.now() >= holder.expiresAt) return endSocket(ws, "expired");
    if (message === "status") ws.send(JSON.stringify(statusMessage(this.status(holder, this.cast))));
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      // Echo the close. 1005 (a browser's close() without a code) and 1006 may not be sent back:
      // answer those with a normal close, or the browser waits for its handshake until it gives up.
      ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      // Already closed.
    }
    await this.applyAll(signallingSocketClosed(this.ctx, ws, Date.now()));
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.applyAll(signallingSocketClosed(this.ctx, ws, Date.now()));
  }

  /** A party's signalling socket: one per party, its connection a room event. */
  private async openSignalling(party: SignallingParty): Promise<Response> {
    const ref = this.ref ?? { roomName: party.roomName, appointmentId: party.appointmentId, provider: "webrtc" };
    if (ref.provider !== "webrtc" || ref.roomName !== party.roomName) return new Response(null, { status: 400 });
    this.remember(ref);
    const { client, events } = admitSignallingSocket(this.ctx, party, Date.now());
    await this.applyAll(events);
    await this.scheduleAlarm();
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Closes the sockets whose join window closed or whose holder's token expired. */
  private async endLapsedSockets(): Promise<void> {
    const now = Date.now();
    endEventsSockets(this.ctx, (holder): SocketEndCause | undefined => (now >= holder.expiresAt ? "expired" : undefined));
    await this.applyAll(endSignallingSockets(this.ctx, (party) => lapsed(party, now), now));
  }

  /** Asks the provider to drop the room for each revocation due; a failure waits for the alarm. */
  private async revokeAtProvider(now: number): Promise<void> {
    const { ref } = this;
    const { revoke } = ref ? videoProviderAdapters[ref.provider] : {};
    for (const pending of dueRevocations(this.revocations, now)) {
      const acknowledged = !ref || !revoke || (await this.tryRevoke(ref, revoke, pending));
      this.saveRevocations(afterProviderAttempt(this.revocations, pending, acknowledged, Date.now()));
    }
  }

  private async tryRevoke(ref: RoomRef, revoke: NonNullable<VideoProviderAdapter["revoke"]>, pending: PendingRevocation): Promise<boolean> {
    const roomSid = this.state.status === "in-progress" ? this.state.roomSid : undefined;
    try {
      const seconds = (ms: number) => Math.floor(ms / 1000);
      const outcome = await revoke(configOf(this.env), {
        roomName: ref.roomName,
        roomSid,
        userId: pending.userId,
        until: seconds(pending.until),
        now: seconds(Date.now()),
      });
      log({ event: "room_access_revoked", appointment_id: ref.appointmentId, cause: pending.cause, provider: ref.provider, outcome });
      return true;
    } catch (error) {
      log({
        event: "room_revocation_failed",
        appointment_id: ref.appointmentId,
        cause: pending.cause,
        attempts: pending.attempts + 1,
        kind: errorKind(error),
      });
      return false;
    }
  }

  private async applyAll(events: RoomEvent[]): Promise<void> {
    for (const event of events) await this.apply(event);
  }

  override async alarm(): Promise<void> {
    const ref = this.ref;
    if (!ref) return;
    await this.endLapsedSockets();
    await this.revokeAtProvider(Date.now());
    await this.syncAppointment();
    if (this.state.status === "in-progress" && this.state.roomSid) await this.heal(ref, this.state.roomSid);
    const timeout = emptyRoomTimeoutEvent(this.state, ref.provider, ref.roomName, Date.now());
    if (timeout) {
      const { state, changes } = applyRoomEvent(this.state, timeout);
      await this.commit(state, changes);
    } else {
      await this.scheduleAlarm();
    }
  }

  /** Reconciles with the provider's list of connected participants, where it has one; a failed read waits for the next alarm. */
  private async heal(ref: RoomRef, roomSid: string): Promise<void> {
    const { listConnected } = videoProviderAdapters[ref.provider];
    if (!listConnected) return;
    const listedFrom = this.state;
    try {
      const listed = await listConnected(configOf(this.env), roomSid);
      // Webhooks may have been applied while the list was in flight; reconcile against the state now.
      const { state, changes } = reconcileParticipants(this.state, listed, Date.now(), listedFrom);
      if (changes.length > 0) await this.commit(state, changes);
    } catch (error) {
      log({ event: "room_heal_failed", room_sid: roomSid, kind: errorKind(error) });
    }
  }

  /** Stores the new state and any D1 update it calls for, pushes the changes (closing watchers' sockets once the call ended), then writes D1. */
  private async commit(state: RoomState, changes: RoomChange[]): Promise<void> {
    this.state = state;
    this.ctx.storage.kv.put(keys.state, state);
    this.saveSync(withPendingUpdate(this.sync, state));
    broadcastToEventsSockets(
      this.ctx,
      changes.map((change) => changeMessage(change, this.cast)),
    );
    // Told the call ended, watchers have heard all there is: their sockets close rather than idle.
    if (changes.some((change) => change.type === "call.ended")) endEventsSockets(this.ctx, () => "ended");
    recordAudit(this.env.DB, this.ctx, ...participantAuditEvents(changes, this.ref?.appointmentId ?? null));
    await this.scheduleAlarm();
    if (this.sync.pending) {
      await this.syncAppointment();
      await this.scheduleAlarm();
    }
  }

  /** Writes the pending D1 update, one write at a time, once it is due; it stays pending until D1 took it. */
  private async syncAppointment(): Promise<void> {
    while (this.syncing) await this.syncing;
    const { pending } = this.sync;
    if (!pending || !this.ref || Date.now() < (pending.heldUntil ?? 0)) return;
    this.syncing = this.writeAppointment(this.ref.appointmentId, pending);
    try {
      await this.syncing;
    } finally {
      this.syncing = undefined;
    }
  }

  private async writeAppointment(appointmentId: number, update: AppointmentUpdate): Promise<void> {
    try {
      const heldUntil = await writeAppointmentUpdate(this.env.DB, appointmentId, update, Date.now());
      this.saveSync(heldUntil === undefined ? afterWrite(this.sync, update) : afterHeldBack(this.sync, update, heldUntil));
    } catch (error) {
      this.saveSync(afterFailedWrite(this.sync));
      log({
        event: "appointment_sync_failed",
        appointment_id: appointmentId,
        status: update.status,
        attempts: this.sync.pending?.attempts ?? 0,
        kind: errorKind(error),
      });
    }
  }

  /** The earliest alarm the rules want is kept; none once the room is over and D1 is up to date. */
  private async scheduleAlarm(): Promise<void> {
    const heals = this.ref !== undefined && videoProviderAdapters[this.ref.provider].listConnected !== undefined;
    const lapses = [
      ...openSignallingSockets(this.ctx).flatMap(({ party }) => [party.closesAt, party.expiresAt]),
      ...openEventsSockets(this.ctx).map(({ holder }) => holder.expiresAt),
    ];
    const wanted = nextAlarmAt({
      state: this.state,
      heals,
      pending: this.sync.pending,
      socketsLapseAt: lapses.length > 0 ? Math.min(...lapses) : undefined,
      revocationRetryAt: nextRetryAt(this.revocations),
      now: Date.now(),
    });
    const current = await this.ctx.storage.getAlarm();
    if (wanted === undefined) {
      if (current !== null) await this.ctx.storage.deleteAlarm();
    } else if (current === null || current > wanted) {
      await this.ctx.storage.setAlarm(wanted);
    }
  }

  private async findRoom(event: RoomEvent): Promise<RoomRef | undefined> {
    const appointment = await findAppointmentByRoom(this.env.DB, event.roomName);
    if (!appointment || appointment.video_provider !== event.provider) return undefined;
    return this.remember(this.ref ?? { roomName: event.roomName, appointmentId: appointment.id, provider: appointment.video_provider });
  }

  private remember(ref: RoomRef): RoomRef {
    if (!this.ref) {
      this.ref = ref;
      this.ctx.storage.kv.put(keys.ref, ref);
    }
    return this.ref;
  }

  private saveRevocations(revocations: Revocations): void {
    this.revocations = revocations;
    this.ctx.storage.kv.put(keys.revocations, revocations);
  }

  private saveSync(sync: AppointmentSync): void {
    if (JSON.stringify(sync) === JSON.stringify(this.sync)) return;
    this.sync = sync;
    this.ctx.storage.kv.put(keys.sync, sync);
  }
}

/** Ids and outcomes only: never identities, names or emails. */
function log(entry: Record<string, string | number>): void {
  console.log(JSON.stringify(entry));
}
