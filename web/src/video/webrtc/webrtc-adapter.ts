import type { Connection, WebRtcConnection } from "../../api/types";
import type { CallEventFromProvider, LocalMedia, VideoCall, VideoProviderAdapter } from "../adapter";
import { PeerLink } from "./peer-link";
import { type Peer, type ServerMessage, Signalling, type SignallingEvents, signallingUrl } from "./signalling";

/** How long the server may take to welcome us before joining counts as failed. */
const WELCOME_TIMEOUT_MS = 15_000;
const UNREACHABLE = "The session's connection could not be opened";

/** The built-in provider: the browser's own RTCPeerConnection, nothing to download. */
export const webrtcAdapter: VideoProviderAdapter<WebRtcConnection> = {
  async preload() {},
  async connect(connection, local, onEvent, { bearer }) {
    const call = new WebRtcCall(connection, local, onEvent, bearer);
    await call.entered;
    return call;
  },
};

/**
 * A one-to-one call over a direct connection. Who is there comes from the signalling socket:
 * each time the other party (re)connects to it, both sides start a fresh RTCPeerConnection
 * (their side starts afresh too: a reload, a new tab, a dropped socket), and it is closed when
 * they leave. Either connection being lost shows as one "reconnecting" until both are back.
 */
class WebRtcCall implements VideoCall {
  remotes: readonly string[] = [];
  /** Resolves on the server's first welcome (who is already there); rejects if none comes. */
  readonly entered: Promise<void>;
  private readonly sending: LocalMedia;
  private iceServers: RTCIceServer[];
  private peer: { identity: string; link: PeerLink } | null = null;
  private readonly troubles = new Set<"signalling" | "media">();
  private readonly signalling: Signalling;
  private welcomed = false;
  private left = false;
  private settle!: { resolve: () => void; reject: (error: Error) => void };
  private readonly welcomeTimer: ReturnType<typeof setTimeout>;
  private readonly online = () => {
    this.peer?.link.restartIce();
    this.signalling.check();
  };

  constructor(
    private readonly connection: WebRtcConnection,
    local: LocalMedia,
    private readonly onEvent: (event: CallEventFromProvider) => void,
    bearer: string,
  ) {
    this.sending = { ...local };
    if (local.microphone) local.microphone.enabled = local.microphoneEnabled;
    this.iceServers = connection.ice_servers;
    this.entered = new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    this.welcomeTimer = setTimeout(() => this.fail(UNREACHABLE), WELCOME_TIMEOUT_MS);
    const events: SignallingEvents = {
      message: (message) => this.message(message),
      lost: () => (this.welcomed ? this.trouble("signalling", true) : this.fail(UNREACHABLE)),
      ended: ({ code, reason, ending }) => {
        if (!this.welcomed) return this.fail(ending ? reason : UNREACHABLE);
        this.stop();
        this.onEvent({ type: "disconnected", tokenExpired: false, code, message: reason, ending });
      },
    };
    this.signalling = new Signalling(signallingUrl(connection.signalling_path), bearer, events);
    addEventListener("online", this.online);
  }

  async setMicrophoneEnabled(enabled: boolean) {
    this.sending.microphoneEnabled = enabled;
    if (this.sending.microphone) this.sending.microphone.enabled = enabled;
  }

  async replaceMicrophone(track: MediaStreamTrack) {
    track.enabled = this.sending.microphoneEnabled;
    this.sending.microphone = track;
    await this.peer?.link.setMicrophone(track);
  }

  async setCamera(track: MediaStreamTrack | null) {
    this.sending.camera = track;
    await this.peer?.link.setCamera(track);
  }

  /** Fresh ICE servers (new TURN credentials): for the current connection's next gathering and every later one. */
  async refresh(connection: Connection) {
    if (connection.provider !== "webrtc") return;
    this.iceServers = connection.ice_servers;
    this.peer?.link.setIceServers(this.iceServers);
  }

  async leave() {
    this.stop();
  }

  private message(message: ServerMessage) {
    switch (message.type) {
      case "welcome":
        if (this.welcomed) {
          this.meet(message.peer);
          this.trouble("signalling", false);
        } else {
          this.welcomed = true;
          clearTimeout(this.welcomeTimer);
          // Reported as the call's first remotes, not as events: the page is not in the call yet.
          this.remotes = message.peer ? [message.peer.identity] : [];
          if (message.peer) this.link(message.peer.identity);
          this.settle.resolve();
        }
        return;
      case "peer-joined":
        return this.meet(message.peer);
      case "peer-left":
        return this.meet(null);
      case "signal":
        return void this.peer?.link.receive(message.data);
    }
  }

  /** The other party is connected now (on a fresh RTCPeerConnection), or not at all. */
  private meet(peer: Peer | null) {
    const before = this.peer?.identity;
    this.peer?.link.close();
    this.peer = null;
    this.trouble("media", false);
    if (before !== undefined && before !== peer?.identity) this.emit({ type: "participant-disconnected", identity: before });
    if (!peer) return;
    if (before !== peer.identity) this.emit({ type: "participant-connected", identity: peer.identity });
    this.link(peer.identity);
  }

  private link(identity: string) {
    const link: PeerLink = new PeerLink(this.iceServers, this.sending, this.connection.polite, {
      signal: (data) => this.signalling.send(data),
      track: (track, shown) => this.emit({ type: shown ? "track-added" : "track-removed", identity, track }),
      mediaTrouble: (troubled) => this.peer?.link === link && this.trouble("media", troubled),
    });
    this.peer = { identity, link };
  }

  /** One "reconnecting" while either the socket or the media is lost, one "reconnected" once both are back. */
  private trouble(kind: "signalling" | "media", troubled: boolean) {
    const was = this.troubles.size > 0;
    if (troubled) this.troubles.add(kind);
    else this.troubles.delete(kind);
    const is = this.troubles.size > 0;
    if (is !== was) this.emit({ type: is ? "reconnecting" : "reconnected" });
  }

  private emit(event: CallEventFromProvider) {
    if (!this.left) this.onEvent(event);
  }

  private fail(message: string) {
    this.stop();
    this.settle.reject(new Error(message));
  }

  private stop() {
    if (this.left) return;
    this.left = true;
    clearTimeout(this.welcomeTimer);
    removeEventListener("online", this.online);
    this.signalling.close();
    this.peer?.link.close();
    this.peer = null;
  }
}
