import { DurableObject } from "cloudflare:workers";
import { listConnectedParticipants } from "../video/twilio/rooms-client";
import { afterFailedWrite, afterWrite, withPendingUpdate, writeAppointmentUpdate, type AppointmentSync, type AppointmentUpdate } from "./appointment-sync";
import { callCancelledMessage, changeMessage, statusMessage, type LiveMessage } from "./live-messages";
import { emptyRoomTimeoutEvent, nextAlarmAt } from "./room-alarm";
import type { RoomEvent } from "./room-events";
import { applyRoomEvent, emptyRoomState, reconcileParticipants, type RoomChange, type RoomState } from "./room-state";
import { appointmentRoomStatus, type AppointmentRoomStatus } from "./room-status-view";
import { roomFromEventsUrl, type RoomRef } from "./room-stub";

/** Storage keys (SQLite-backed KV); each value is written whole, in the same step as the others. */
const keys = { ref: "ref", state: "state", sync: "appointment-sync" } as const;

type Watched = Omit<RoomRef, "provider">;

/**
 * One video room: the only writer of its live state. Each provider event is applied once and
 * stored before the webhook is answered; dashboards' WebSockets hibernate between changes; an
 * alarm heals lost webhooks, ends rooms left empty, and retries the appointment's D1 update
 * until it lands. The rules live in the pure modules this class calls.
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

  /** Applies one provider event unless it was applied before; resolves once it is stored. */
  async applyEvent(ref: RoomRef, event: RoomEvent): Promise<{ duplicate: boolean }> {
    this.remember(ref);
    const { state, changes, duplicate } = applyRoomEvent(this.state, event);
    if (!duplicate) await this.commit(state, changes);
    return { duplicate };
  }

  status(room: Watched): AppointmentRoomStatus {
    return appointmentRoomStatus(room, this.state, Date.now());
  }

  announceCallCancelled(at: number): void {
    this.broadcast([callCancelledMessage(at)]);
  }

  /** Opens a dashboard's WebSocket (see roomEventsRequest): the current status, then every change. */
  override async fetch(request: Request): Promise<Response> {
    const room = roomFromEventsUrl(request.url);
    if (!room || request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response(null, { status: 400 });
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment(room);
    server.send(JSON.stringify(statusMessage(this.status(room))));
    return new Response(null, { status: 101, webSocket: client });
  }

  /** A dashboard may ask again (`status`) for fresh durations; anything else is ignored. */
  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const room = ws.deserializeAttachment() as Watched | null;
    if (message === "status" && room) ws.send(JSON.stringify(statusMessage(this.status(room))));
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      ws.close(code, reason);
    } catch {
      // Already closed, or a reserved code (1005, 1006) that may not be sent back.
    }
  }

  override async alarm(): Promise<void> {
    const ref = this.ref;
    if (!ref) return;
    await this.syncAppointment();
    if (ref.provider === "twilio" && this.state.status === "in-progress" && this.state.roomSid) await this.heal(this.state.roomSid);
    const timeout = emptyRoomTimeoutEvent(this.state, ref.provider, ref.roomName, Date.now());
    if (timeout) {
      const { state, changes } = applyRoomEvent(this.state, timeout);
      await this.commit(state, changes);
    } else {
      await this.scheduleAlarm();
    }
  }

  /** Reconciles with Twilio's list of connected participants; a failed read waits for the next alarm. */
  private async heal(roomSid: string): Promise<void> {
    const credentials = { baseUrl: this.env.TWILIO_VIDEO_BASE_URL, apiKeySid: this.env.TWILIO_API_KEY_SID, apiKeySecret: this.env.TWILIO_API_KEY_SECRET };
    try {
      const connected = await listConnectedParticipants(credentials, roomSid);
      const listed = connected.map((participant) => ({
        key: participant.sid,
        identity: participant.identity,
        ...(participant.start_time && { connectedAt: Date.parse(participant.start_time) }),
      }));
      const { state, changes } = reconcileParticipants(this.state, listed, Date.now());
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
      log({ event: "appointment_sync_failed", appointment_id: appointmentId, status: update.status, attempts: this.sync.pending?.attempts ?? 0, kind: errorKind(error) });
    }
  }

  /** The earliest alarm the rules want is kept; none once the room is over and D1 is up to date. */
  private async scheduleAlarm(): Promise<void> {
    const wanted = nextAlarmAt({ state: this.state, provider: this.ref?.provider, pendingAttempts: this.sync.pending?.attempts, now: Date.now() });
    const current = await this.ctx.storage.getAlarm();
    if (wanted === undefined) {
      if (current !== null) await this.ctx.storage.deleteAlarm();
    } else if (current === null || current > wanted) {
      await this.ctx.storage.setAlarm(wanted);
    }
  }

  private remember(ref: RoomRef): void {
    const known = this.ref;
    if (known && known.roomName === ref.roomName && known.appointmentId === ref.appointmentId && known.provider === ref.provider) return;
    this.ref = { roomName: ref.roomName, appointmentId: ref.appointmentId, provider: ref.provider };
    this.ctx.storage.kv.put(keys.ref, this.ref);
  }

  private saveSync(sync: AppointmentSync): void {
    if (JSON.stringify(sync) === JSON.stringify(this.sync)) return;
    this.sync = sync;
    this.ctx.storage.kv.put(keys.sync, sync);
  }

  private broadcast(messages: LiveMessage[]): void {
    if (messages.length === 0) return;
    const sockets = this.ctx.getWebSockets();
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

const errorKind = (error: unknown) => (error instanceof Error ? error.name : typeof error);
