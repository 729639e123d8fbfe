import { DurableObject } from "cloudflare:workers";
import { findAppointmentByRoom } from "../appointments/queries";
import { configOf } from "../base/config";
import { errorKind } from "../base/errors";
import type { RoomEvent } from "../providers/room-event";
import { videoProviderAdapters } from "../video/provider-registry";
import {
  type AppointmentSync,
  type AppointmentUpdate,
  afterFailedWrite,
  afterWrite,
  withPendingUpdate,
  writeAppointmentUpdate,
} from "./appointment-sync";
import { callCancelledMessage, changeMessage, type LiveMessage, statusMessage } from "./live-messages";
import { emptyRoomTimeoutEvent, nextAlarmAt } from "./room-alarm";
import { applyRoomEvent, emptyRoomState, type RoomChange, type RoomState, reconcileParticipants } from "./room-state";
import { type AppointmentRoomStatus, appointmentRoomStatus } from "./room-status-view";
import { type Delivery, type RoomRef, roomFromEventsUrl } from "./room-stub";
import { relayedSignal, type SignallingEndCause, type SignallingParty, signallingPartyFromUrl } from "./signalling";
import {
  admitSignallingSocket,
  endSignallingSockets,
  openSignallingSockets,
  relayToOtherParty,
  signallingPartyOf,
  signallingSocketClosed,
  socketTags,
} from "./signalling-sockets";

/** Storage keys (SQLite-backed KV); each value is written whole, in the same step as the others. */
const keys = { ref: "ref", state: "state", sync: "appointment-sync" } as const;

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

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.ref = ctx.storage.kv.get<RoomRef>(keys.ref);
    this.state = ctx.storage.kv.get<RoomState>(keys.state) ?? emptyRoomState();
    this.sync = ctx.storage.kv.get<AppointmentSync>(keys.sync) ?? {};
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

  status(room: Watched): AppointmentRoomStatus {
    return appointmentRoomStatus(room, this.state, Date.now());
  }

  /** The appointment was cancelled: watchers hear `call.cancelled`, and signalling ends with the reason. */
  async announceCallCancelled(at: number): Promise<void> {
    this.broadcast([callCancelledMessage(at)]);
    await this.endSignalling("cancelled");
  }

  /** The appointment moved to a new time: its signalling ends, and the parties join again at the new time. */
  async announceSessionMoved(): Promise<void> {
    await this.endSignalling("moved");
  }

  /**
   * Opens a WebSocket: a party's signalling socket (see signallingRequest), or a dashboard's live
   * events (see roomEventsRequest): the current status, then every change.
   */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response(null, { status: 400 });
    const party = signallingPartyFromUrl(request.url, crypto.randomUUID());
    if (party) return this.openSignalling(party);
    const room = roomFromEventsUrl(request.url);
    if (!room) return new Response(null, { status: 400 });
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.ctx.acceptWebSocket(server, [socketTags.events]);
    server.serializeAttachment(room);
    server.send(JSON.stringify(statusMessage(this.status(room))));
    return new Response(null, { status: 101, webSocket: client });
  }

  /**
   * A signalling socket's offer, answer or candidate goes to the other party only, as it came,
   * and is not kept. A dashboard may ask again (`status`) for fresh durations. Anything else is ignored.
   */
  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const party = signallingPartyOf(this.ctx, ws);
    if (party) {
      if (Date.now() >= party.closesAt) return this.endSignalling("closed");
      const signal = relayedSignal(message);
      if (!signal) return;
      relayToOtherParty(this.ctx, ws, party, signal);
      return;
    }
    const room = ws.deserializeAttachment() as Watched | null;
    if (message === "status" && room) ws.send(JSON.stringify(statusMessage(this.status(room))));
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

  private async endSignalling(cause: SignallingEndCause): Promise<void> {
    await this.applyAll(endSignallingSockets(this.ctx, cause, Date.now()));
  }

  private async applyAll(events: RoomEvent[]): Promise<void> {
    for (const event of events) await this.apply(event);
  }

  override async alarm(): Promise<void> {
    const ref = this.ref;
    if (!ref) return;
    if (openSignallingSockets(this.ctx).some((socket) => socket.party.closesAt <= Date.now())) await this.endSignalling("closed");
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

  /** Stores the new state and any D1 update it calls for, pushes the changes, then writes D1. */
  private async commit(state: RoomState, changes: RoomChange[]): Promise<void> {
    this.state = state;
    this.ctx.storage.kv.put(keys.state, state);
    this.saveSync(withPendingUpdate(this.sync, state));
    this.broadcast(changes.map(changeMessage));
    await this.scheduleAlarm();
    if (this.sync.pending) {
      await this.syncAppointment();
      await this.scheduleAlarm();
    }
  }

  /** Writes the pending D1 update, one write at a time; it stays pending until D1 took it. */
  private async syncAppointment(): Promise<void> {
    while (this.syncing) await this.syncing;
    const { pending } = this.sync;
    if (!pending || !this.ref) return;
    this.syncing = this.writeAppointment(this.ref.appointmentId, pending);
    try {
      await this.syncing;
    } finally {
      this.syncing = undefined;
    }
  }

  private async writeAppointment(appointmentId: number, update: AppointmentUpdate): Promise<void> {
    try {
      await writeAppointmentUpdate(this.env.DB, appointmentId, update, Date.now());
      this.saveSync(afterWrite(this.sync, update));
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
    const signallingClosesAt = openSignallingSockets(this.ctx).map((socket) => socket.party.closesAt);
    const wanted = nextAlarmAt({
      state: this.state,
      heals,
      pendingAttempts: this.sync.pending?.attempts,
      signallingClosesAt: signallingClosesAt.length > 0 ? Math.min(...signallingClosesAt) : undefined,
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

  private saveSync(sync: AppointmentSync): void {
    if (JSON.stringify(sync) === JSON.stringify(this.sync)) return;
    this.sync = sync;
    this.ctx.storage.kv.put(keys.sync, sync);
  }

  private broadcast(messages: LiveMessage[]): void {
    if (messages.length === 0) return;
    const sockets = this.ctx.getWebSockets(socketTags.events);
    for (const message of messages) {
      const text = JSON.stringify(message);
      for (const ws of sockets) {
        try {
          ws.send(text);
        } catch {
          // A socket closing as we send; its close handler tidies up.
        }
      }
    }
  }
}

/** Ids and outcomes only: never identities, names or emails. */
function log(entry: Record<string, string | number>): void {
  console.log(JSON.stringify(entry));
}
