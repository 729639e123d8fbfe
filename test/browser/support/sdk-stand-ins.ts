/**
 * Stand-ins for the two provider SDKs, run inside the page before its own scripts
 * (`context.addInitScript(installVideoSdkStandIns)`), on `window.__videoSdkStandIn`, where the
 * adapters look first (web/src/video/injected-sdk.ts).
 *
 * Each has the shape of the part of the real SDK the adapters use (twilio-video 2.x:
 * `connect`, `LocalAudioTrack`, `LocalVideoTrack`, Room events; agora-rtc-sdk-ng 4.x:
 * `createClient`, custom tracks, client events, `renewToken`) and behaves like it: remote
 * participants bring real MediaStreamTracks (a canvas and an oscillator), an expired token
 * ends the room with TwilioError 20104, and so on. "The other side" lives in a small world
 * that outlasts one connection, as a provider's room does, so a rejoin finds them there.
 *
 * Tests drive the world and read what the page asked for through `window.__videoSdkControl`
 * (see `SdkControl`, called from Playwright with `page.evaluate`).
 *
 * This function is serialised into the page: it must not refer to anything outside itself.
 */
export function installVideoSdkStandIns(): void {
  // Event listeners of any shape, as the SDKs' emitters take them: each event has its own arguments.
  type Listener = (...args: any[]) => void;

  class Emitter {
    private readonly listeners = new Map<string, Listener[]>();
    on(event: string, listener: Listener) {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
      return this;
    }
    off(event: string, listener: Listener) {
      this.listeners.set(
        event,
        (this.listeners.get(event) ?? []).filter((l) => l !== listener),
      );
      return this;
    }
    removeAllListeners(event?: string) {
      if (event) this.listeners.delete(event);
      else this.listeners.clear();
      return this;
    }
    emit(event: string, ...args: unknown[]) {
      for (const listener of this.listeners.get(event) ?? []) listener(...args);
      return true;
    }
    listenerCount(event: string) {
      return this.listeners.get(event)?.length ?? 0;
    }
  }

  /** Everything the page asked of either SDK, in order, for tests to assert on. */
  const calls: Array<{ provider: "twilio" | "agora"; method: string; detail?: unknown }> = [];
  const record = (provider: "twilio" | "agora", method: string, detail?: unknown) => calls.push({ provider, method, detail });
  const later = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

  /** A remote camera: a canvas drawing a moving bar, so frames keep coming like a real camera's. */
  const remoteVideoTrack = (): MediaStreamTrack => {
    const canvas = document.createElement("canvas");
    canvas.width = 320;
    canvas.height = 180;
    const context = canvas.getContext("2d");
    let x = 0;
    const draw = () => {
      if (!context) return;
      context.fillStyle = "#234";
      context.fillRect(0, 0, 320, 180);
      context.fillStyle = "#8cf";
      x = (x + 8) % 320;
      context.fillRect(x, 60, 40, 60);
    };
    draw();
    const timer = setInterval(draw, 100);
    const track = canvas.captureStream(10).getVideoTracks()[0]!;
    track.addEventListener("ended", () => clearInterval(timer));
    return track;
  };
  let audioContext: AudioContext | undefined;
  /** A remote microphone: a quiet tone. */
  const remoteAudioTrack = (): MediaStreamTrack => {
    audioContext ??= new AudioContext();
    const oscillator = audioContext.createOscillator();
    const gain = audioContext.createGain();
    gain.gain.value = 0.05;
    const destination = audioContext.createMediaStreamDestination();
    oscillator.connect(gain).connect(destination);
    oscillator.start();
    return destination.stream.getAudioTracks()[0]!;
  };

  // ---------------------------------------------------------------- twilio-video

  /** What a token says about its holder: Twilio reads `grants.identity` from the JWT. */
  const identityInToken = (token: string): string => {
    try {
      const payload = JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as {
        grants?: { identity?: string };
      };
      return payload.grants?.identity ?? "unknown";
    } catch {
      return "unknown";
    }
  };

  class TwilioError extends Error {
    constructor(
      readonly code: number,
      message: string,
    ) {
      super(message);
      this.name = "TwilioError";
    }
  }
  const twilioMessages: Record<number, string> = {
    20104: "Access Token expired or expiration date invalid",
    53000: "Signaling connection error",
    53001: "Signaling connection disconnected",
    53405: "Media connection failed",
  };

  let trackSids = 0;
  class TwilioLocalTrack {
    readonly id: string;
    readonly name: string;
    isEnabled = true;
    isStopped = false;
    constructor(
      readonly kind: "audio" | "video",
      readonly mediaStreamTrack: MediaStreamTrack,
      options?: { name?: string },
    ) {
      this.id = mediaStreamTrack.id;
      this.name = options?.name ?? mediaStreamTrack.id;
      record("twilio", kind === "audio" ? "new LocalAudioTrack" : "new LocalVideoTrack", { name: this.name });
    }
    enable(enabled = true) {
      this.isEnabled = enabled;
      this.mediaStreamTrack.enabled = enabled;
      record("twilio", enabled ? "track.enable" : "track.disable", { name: this.name });
      return this;
    }
    disable() {
      return this.enable(false);
    }
    stop() {
      this.isStopped = true;
      this.mediaStreamTrack.stop();
      return this;
    }
  }
  class LocalAudioTrack extends TwilioLocalTrack {
    constructor(mediaStreamTrack: MediaStreamTrack, options?: { name?: string }) {
      super("audio", mediaStreamTrack, options);
    }
  }
  class LocalVideoTrack extends TwilioLocalTrack {
    constructor(mediaStreamTrack: MediaStreamTrack, options?: { name?: string }) {
      super("video", mediaStreamTrack, options);
    }
  }

  type TwilioRemoteTrack = { kind: "audio" | "video"; name: string; sid: string; mediaStreamTrack: MediaStreamTrack; isEnabled: boolean };
  type TwilioPublication = {
    kind: "audio" | "video";
    trackName: string;
    trackSid: string;
    isSubscribed: boolean;
    track: TwilioRemoteTrack;
  };
  class RemoteParticipant extends Emitter {
    readonly tracks = new Map<string, TwilioPublication>();
    readonly audioTracks = new Map<string, TwilioPublication>();
    readonly videoTracks = new Map<string, TwilioPublication>();
    readonly dataTracks = new Map<string, TwilioPublication>();
    state = "connected";
    constructor(
      readonly sid: string,
      readonly identity: string,
      media: { audio: boolean; video: boolean },
    ) {
      super();
      for (const kind of ["audio", "video"] as const) {
        if (!media[kind]) continue;
        const mediaStreamTrack = kind === "audio" ? remoteAudioTrack() : remoteVideoTrack();
        const trackSid = `MT${String(++trackSids).padStart(32, "0")}`;
        const track = { kind, name: kind === "audio" ? "microphone" : "camera", sid: trackSid, mediaStreamTrack, isEnabled: true };
        const publication = { kind, trackName: track.name, trackSid, isSubscribed: true, track };
        this.tracks.set(trackSid, publication);
        (kind === "audio" ? this.audioTracks : this.videoTracks).set(trackSid, publication);
      }
    }
  }

  class LocalParticipant extends Emitter {
    readonly tracks = new Map<string, { track: TwilioLocalTrack }>();
    constructor(
      readonly identity: string,
      readonly sid: string,
    ) {
      super();
    }
    async publishTrack(track: TwilioLocalTrack) {
      record("twilio", "publishTrack", { kind: track.kind, name: track.name });
      this.tracks.set(track.id, { track });
      return { kind: track.kind, track, trackName: track.name, trackSid: `MT${String(++trackSids).padStart(32, "0")}` };
    }
    unpublishTrack(track: TwilioLocalTrack) {
      record("twilio", "unpublishTrack", { kind: track.kind, name: track.name });
      this.tracks.delete(track.id);
      return null;
    }
  }

  let roomNumber = 0;
  class Room extends Emitter {
    state: "connected" | "reconnecting" | "disconnected" = "connected";
    readonly participants = new Map<string, RemoteParticipant>();
    readonly sid: string;
    readonly localParticipant: LocalParticipant;
    constructor(
      readonly name: string,
      identity: string,
    ) {
      super();
      this.sid = `RM${String(++roomNumber).padStart(32, "0")}`;
      this.localParticipant = new LocalParticipant(identity, `PA${String(roomNumber).padStart(32, "0")}`);
    }
    disconnect() {
      if (this.state === "disconnected") return this;
      record("twilio", "room.disconnect", { room: this.name });
      this.state = "disconnected";
      if (twilio.room === this) twilio.room = null;
      // The real SDK reports its own disconnect() too, with no error.
      this.emit("disconnected", this);
      return this;
    }
  }

  /** The other side of the Twilio room, and how the next connect should go. */
  const twilio = {
    room: null as Room | null,
    remotes: new Map<string, RemoteParticipant>(),
    connectFailures: [] as number[],
    participantSids: 0,
  };

  async function connect(token: string, options: { name?: string; tracks?: TwilioLocalTrack[] } = {}) {
    record("twilio", "connect", {
      token,
      name: options.name,
      tracks: (options.tracks ?? []).map((track) => ({ kind: track.kind, name: track.name, enabled: track.isEnabled })),
      options: Object.fromEntries(Object.entries(options).filter(([key]) => key !== "tracks")),
    });
    await later();
    const failure = twilio.connectFailures.shift();
    if (failure !== undefined) throw new TwilioError(failure, twilioMessages[failure] ?? "Connection failed");
    twilio.room?.disconnect();
    const room = new Room(options.name ?? "room", identityInToken(token));
    for (const track of options.tracks ?? []) room.localParticipant.tracks.set(track.id, { track });
    for (const [sid, participant] of twilio.remotes) room.participants.set(sid, participant);
    twilio.room = room;
    return room;
  }

  const twilioSdk = { connect, LocalAudioTrack, LocalVideoTrack, TwilioError, version: "2.32.0-stand-in" };

  const twilioControl = {
    /** The other party enters the room: participantConnected, then their tracks as subscribed. */
    participantConnected(identity: string, media: { audio?: boolean; video?: boolean } = {}) {
      const sid = `PA${String(++twilio.participantSids).padStart(32, "f")}`;
      const participant = new RemoteParticipant(sid, identity, { audio: media.audio ?? true, video: media.video ?? true });
      twilio.remotes.set(sid, participant);
      const room = twilio.room;
      if (!room) return;
      room.participants.set(sid, participant);
      room.emit("participantConnected", participant);
      for (const publication of participant.tracks.values()) room.emit("trackSubscribed", publication.track, publication, participant);
    },
    /** The other party leaves: their tracks unsubscribed, then participantDisconnected. */
    participantDisconnected(identity: string) {
      for (const [sid, participant] of twilio.remotes) {
        if (participant.identity !== identity) continue;
        twilio.remotes.delete(sid);
        participant.state = "disconnected";
        const room = twilio.room;
        if (room?.participants.delete(sid)) {
          for (const publication of participant.tracks.values())
            room.emit("trackUnsubscribed", publication.track, publication, participant);
          room.emit("participantDisconnected", participant);
        }
        for (const publication of participant.tracks.values()) publication.track.mediaStreamTrack.stop();
      }
    },
    reconnecting() {
      const room = twilio.room;
      if (!room) throw new Error("No Twilio room to reconnect");
      room.state = "reconnecting";
      room.emit("reconnecting", new TwilioError(53001, twilioMessages[53001]!));
    },
    reconnected() {
      const room = twilio.room;
      if (!room) throw new Error("No Twilio room to reconnect");
      room.state = "connected";
      room.emit("reconnected");
    },
    /** Twilio ends the room for this device with an error: 20104 is an expired Access Token. */
    disconnectWithError(code: number) {
      const room = twilio.room;
      if (!room) throw new Error("No Twilio room to disconnect");
      room.state = "disconnected";
      twilio.room = null;
      room.emit("disconnected", room, new TwilioError(code, twilioMessages[code] ?? "Disconnected"));
    },
    /** The next connect() is refused with this error code (20104: the token had expired). */
    failNextConnect(code: number) {
      twilio.connectFailures.push(code);
    },
    connected: () => twilio.room?.state === "connected",
    roomName: () => twilio.room?.name ?? null,
    /** Names and enabled state of what the page publishes now. */
    published: () =>
      [...(twilio.room?.localParticipant.tracks.values() ?? [])].map(({ track }) => ({
        kind: track.kind,
        name: track.name,
        enabled: track.isEnabled,
      })),
  };

  // ------------------------------------------------------------- agora-rtc-sdk-ng

  type AgoraMedia = "audio" | "video";
  class AgoraLocalTrack {
    enabled = true;
    muted = false;
    readonly trackMediaType: AgoraMedia;
    constructor(
      private readonly mediaStreamTrack: MediaStreamTrack,
      kind: AgoraMedia,
    ) {
      this.trackMediaType = kind;
      record("agora", kind === "audio" ? "createCustomAudioTrack" : "createCustomVideoTrack");
    }
    getTrackId() {
      return this.mediaStreamTrack.id;
    }
    getMediaStreamTrack() {
      return this.mediaStreamTrack;
    }
    async setEnabled(enabled: boolean) {
      record("agora", "track.setEnabled", { kind: this.trackMediaType, enabled });
      this.enabled = enabled;
      this.mediaStreamTrack.enabled = enabled;
    }
    close() {
      this.mediaStreamTrack.stop();
    }
  }
  class AgoraRemoteTrack {
    constructor(
      private readonly mediaStreamTrack: MediaStreamTrack,
      readonly trackMediaType: AgoraMedia,
    ) {}
    getMediaStreamTrack() {
      return this.mediaStreamTrack;
    }
    getTrackId() {
      return this.mediaStreamTrack.id;
    }
  }
  type AgoraUser = {
    uid: number | string;
    hasAudio: boolean;
    hasVideo: boolean;
    audioTrack?: AgoraRemoteTrack;
    videoTrack?: AgoraRemoteTrack;
    published: { audio?: MediaStreamTrack; video?: MediaStreamTrack };
  };

  const agora = { client: null as AgoraClient | null, remotes: new Map<string, AgoraUser>(), joinFailures: [] as string[] };

  class AgoraClient extends Emitter {
    connectionState: "DISCONNECTED" | "CONNECTING" | "CONNECTED" | "RECONNECTING" | "DISCONNECTING" = "DISCONNECTED";
    uid: number | string | undefined;
    channelName: string | undefined;
    readonly localTracks: AgoraLocalTrack[] = [];
    constructor(readonly config: { mode: string; codec: string }) {
      super();
      record("agora", "createClient", config);
    }
    get remoteUsers() {
      return [...agora.remotes.values()];
    }
    private setState(state: AgoraClient["connectionState"], reason?: string) {
      const previous = this.connectionState;
      this.connectionState = state;
      this.emit("connection-state-change", state, previous, reason);
    }
    async join(appId: string, channel: string, token: string | null, uid?: number | string | null) {
      record("agora", "join", { appId, channel, token, uid });
      this.setState("CONNECTING");
      await later();
      const failure = agora.joinFailures.shift();
      if (failure) {
        this.setState("DISCONNECTED", failure);
        throw Object.assign(new Error(`AgoraRTCError ${failure}`), { name: "AgoraRTCException", code: failure });
      }
      this.uid = uid ?? 1;
      this.channelName = channel;
      agora.client = this;
      this.setState("CONNECTED");
      // Those already in the channel are announced after the join, as the real SDK does.
      setTimeout(() => {
        for (const user of agora.remotes.values()) announce(this, user);
      }, 0);
      return this.uid;
    }
    async publish(tracks: AgoraLocalTrack | AgoraLocalTrack[]) {
      const list = Array.isArray(tracks) ? tracks : [tracks];
      record(
        "agora",
        "publish",
        list.map((track) => track.trackMediaType),
      );
      this.localTracks.push(...list);
    }
    async unpublish(tracks?: AgoraLocalTrack | AgoraLocalTrack[]) {
      const list = tracks === undefined ? [...this.localTracks] : Array.isArray(tracks) ? tracks : [tracks];
      record(
        "agora",
        "unpublish",
        list.map((track) => track.trackMediaType),
      );
      for (const track of list) this.localTracks.splice(this.localTracks.indexOf(track), 1);
    }
    async subscribe(user: AgoraUser, mediaType: AgoraMedia) {
      record("agora", "subscribe", { uid: user.uid, mediaType });
      const source = user.published[mediaType];
      if (!source) throw new Error(`AgoraRTCError INVALID_REMOTE_USER: user is not publishing ${mediaType}`);
      const track = new AgoraRemoteTrack(source, mediaType);
      if (mediaType === "audio") user.audioTrack = track;
      else user.videoTrack = track;
      return track;
    }
    async renewToken(token: string) {
      record("agora", "renewToken", { token });
    }
    async leave() {
      record("agora", "leave");
      if (agora.client === this) agora.client = null;
      this.localTracks.length = 0;
      if (this.connectionState !== "DISCONNECTED") this.setState("DISCONNECTED", "LEAVE");
    }
  }

  function announce(client: AgoraClient, user: AgoraUser) {
    client.emit("user-joined", user);
    if (user.hasAudio) client.emit("user-published", user, "audio");
    if (user.hasVideo) client.emit("user-published", user, "video");
  }

  const agoraSdk = {
    createClient: (config: { mode: string; codec: string }) => new AgoraClient(config),
    createCustomAudioTrack: (config: { mediaStreamTrack: MediaStreamTrack }) => new AgoraLocalTrack(config.mediaStreamTrack, "audio"),
    createCustomVideoTrack: (config: { mediaStreamTrack: MediaStreamTrack }) => new AgoraLocalTrack(config.mediaStreamTrack, "video"),
    setLogLevel: (level: number) => record("agora", "setLogLevel", level),
    disableLogUpload: () => record("agora", "disableLogUpload"),
    VERSION: "4.24.8-stand-in",
  };

  const agoraControl = {
    /** Another user joins the channel and publishes a microphone and a camera. */
    userJoined(uid: number, media: { audio?: boolean; video?: boolean } = {}) {
      const published: AgoraUser["published"] = {};
      if (media.audio ?? true) published.audio = remoteAudioTrack();
      if (media.video ?? true) published.video = remoteVideoTrack();
      const user: AgoraUser = { uid, hasAudio: !!published.audio, hasVideo: !!published.video, published };
      agora.remotes.set(String(uid), user);
      if (agora.client) announce(agora.client, user);
    },
    /** The user leaves the channel ("Quit"). */
    userLeft(uid: number) {
      const user = agora.remotes.get(String(uid));
      if (!user) return;
      agora.remotes.delete(String(uid));
      const client = agora.client;
      if (client) {
        if (user.hasAudio) client.emit("user-unpublished", user, "audio");
        if (user.hasVideo) client.emit("user-unpublished", user, "video");
        client.emit("user-left", user, "Quit");
      }
      user.published.audio?.stop();
      user.published.video?.stop();
    },
    /** 30 s before the token expires, the SDK asks for a new one. */
    tokenWillExpire() {
      agora.client?.emit("token-privilege-will-expire");
    },
    tokenDidExpire() {
      agora.client?.emit("token-privilege-did-expire");
    },
    reconnecting() {
      const client = agora.client;
      if (!client) throw new Error("No Agora client");
      const previous = client.connectionState;
      client.connectionState = "RECONNECTING";
      client.emit("connection-state-change", "RECONNECTING", previous, "NETWORK_ERROR");
    },
    reconnected() {
      const client = agora.client;
      if (!client) throw new Error("No Agora client");
      client.connectionState = "CONNECTED";
      client.emit("connection-state-change", "CONNECTED", "RECONNECTING");
    },
    failNextJoin(code: string) {
      agora.joinFailures.push(code);
    },
    connected: () => agora.client?.connectionState === "CONNECTED",
    published: () => (agora.client?.localTracks ?? []).map((track) => ({ kind: track.trackMediaType, enabled: track.enabled })),
  };

  const control = {
    calls,
    /** The calls to one method, in order (their recorded details). */
    callsTo: (provider: "twilio" | "agora", method: string) =>
      calls.filter((call) => call.provider === provider && call.method === method).map((call) => call.detail),
    twilio: twilioControl,
    agora: agoraControl,
  };

  Object.assign(window, { __videoSdkStandIn: { twilio: twilioSdk, agora: agoraSdk }, __videoSdkControl: control });
}

/** What tests reach on `window.__videoSdkControl` (for typing `page.evaluate` callbacks). */
export type SdkControl = {
  calls: Array<{ provider: "twilio" | "agora"; method: string; detail?: unknown }>;
  callsTo(provider: "twilio" | "agora", method: string): unknown[];
  twilio: {
    participantConnected(identity: string, media?: { audio?: boolean; video?: boolean }): void;
    participantDisconnected(identity: string): void;
    reconnecting(): void;
    reconnected(): void;
    disconnectWithError(code: number): void;
    failNextConnect(code: number): void;
    connected(): boolean;
    roomName(): string | null;
    published(): Array<{ kind: "audio" | "video"; name: string; enabled: boolean }>;
  };
  agora: {
    userJoined(uid: number, media?: { audio?: boolean; video?: boolean }): void;
    userLeft(uid: number): void;
    tokenWillExpire(): void;
    tokenDidExpire(): void;
    reconnecting(): void;
    reconnected(): void;
    failNextJoin(code: string): void;
    connected(): boolean;
    published(): Array<{ kind: "audio" | "video"; enabled: boolean }>;
  };
};

declare global {
  interface Window {
    __videoSdkControl: SdkControl;
  }
}
