import { type SessionEnding, sessionEndingOf } from "../adapter";

/** What the two browsers exchange through the server, relayed verbatim to the other party. */
export type SignalData = { description: RTCSessionDescriptionInit } | { candidate: RTCIceCandidateInit | null };
export type Peer = { identity: string };
export type ServerMessage =
  | { type: "welcome"; peer: Peer | null }
  | { type: "peer-joined" | "peer-left"; peer: Peer }
  | { type: "signal"; data: SignalData };

/** Failed reconnects in a row (about a minute of backoff) before the call counts as dropped. */
const MAX_RECONNECTS = 10;
const backoff = (failures: number) => Math.min(10_000, 250 * 2 ** failures);
/** Proxies close idle sockets; the room object answers "ping" without waking up. */
const KEEP_ALIVE_MS = 25_000;
/** A socket that leaves a ping unanswered this long is gone, even if the browser has not noticed (a half-open connection). */
const PONG_TIMEOUT_MS = 10_000;

export interface SignallingEvents {
  message(message: ServerMessage): void;
  /** The socket dropped; another is on its way. */
  lost(): void;
  /** No more sockets: the server ended this device's signalling, or it stayed unreachable. */
  ended(end: { code: number; reason: string; ending?: SessionEnding }): void;
}

/**
 * The signalling WebSocket to the room's Durable Object, kept open for the whole call: the
 * page's bearer goes as the subprotocol pair ["bearer", token] (browsers cannot set headers on a
 * WebSocket). A drop reconnects with backoff; the server answers each new socket with a fresh
 * `welcome`, so nothing missed in between matters.
 */
export class Signalling {
  private socket: WebSocket | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private unanswered: ReturnType<typeof setTimeout> | undefined;
  private readonly keepAlive: ReturnType<typeof setInterval>;
  private failures = 0;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly bearer: string,
    private readonly events: SignallingEvents,
  ) {
    this.open();
    this.keepAlive = setInterval(() => this.ping(), KEEP_ALIVE_MS);
  }

  send(data: SignalData): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify({ type: "signal", data }));
  }

  /** The network is back: reconnect now rather than at the next backoff step, or make sure the open socket still works. */
  check(): void {
    if (this.retry === undefined) {
      this.ping();
      return;
    }
    clearTimeout(this.retry);
    this.open();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retry);
    clearTimeout(this.unanswered);
    clearInterval(this.keepAlive);
    this.socket?.close(1000);
  }

  private open() {
    this.retry = undefined;
    const socket = new WebSocket(this.url, ["bearer", this.bearer]);
    this.socket = socket;
    socket.onmessage = (event) => {
      if (typeof event.data !== "string") return;
      if (event.data === "pong") {
        clearTimeout(this.unanswered);
        this.unanswered = undefined;
        return;
      }
      let message: ServerMessage;
      try {
        message = JSON.parse(event.data) as ServerMessage;
      } catch {
        return; // Not a message of ours; ignore rather than break the call.
      }
      if (message.type === "welcome") this.failures = 0;
      this.events.message(message);
    };
    socket.onclose = ({ code, reason }) => this.dropped(socket, code, reason);
  }

  private ping() {
    const socket = this.socket;
    if (socket?.readyState !== WebSocket.OPEN || this.unanswered !== undefined) return;
    socket.send("ping");
    this.unanswered = setTimeout(() => this.dropped(socket, 1006, ""), PONG_TIMEOUT_MS);
  }

  private dropped(socket: WebSocket, code: number, reason: string) {
    if (this.closed || socket !== this.socket) return;
    clearTimeout(this.unanswered);
    this.unanswered = undefined;
    // A socket given up for silence is closed here; its own close event, whenever it comes, is then ignored.
    this.socket = undefined;
    if (socket.readyState === WebSocket.OPEN) socket.close(1000);
    const ending = sessionEndingOf(code);
    if (ending || this.failures >= MAX_RECONNECTS) {
      this.close();
      this.events.ended({ code, reason: (ending && reason) || "The connection to the session was lost", ending });
      return;
    }
    this.events.lost();
    this.retry = setTimeout(() => this.open(), backoff(this.failures++));
  }
}

/** The signalling socket's address: the page's own origin, over ws(s). */
export function signallingUrl(path: string): string {
  const url = new URL(path, location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.href;
}
