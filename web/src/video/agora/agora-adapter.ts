import type {
  ConnectionDisconnectedReason,
  ConnectionState,
  IAgoraRTCClient,
  IAgoraRTCRemoteUser,
  ILocalAudioTrack,
  ILocalVideoTrack,
} from "agora-rtc-sdk-ng";
import type { AgoraConnection, Connection } from "../../api/types";
import type { CallEventFromProvider, LocalMedia, VideoCall, VideoProviderAdapter } from "../adapter";
import { type AgoraSdk, loadAgoraSdk } from "./agora-sdk";

export const agoraAdapter: VideoProviderAdapter<AgoraConnection> = {
  async preload() {
    await loadAgoraSdk();
  },
  async connect(connection, local, onEvent) {
    const sdk = await loadAgoraSdk();
    // "rtc": a one-to-one call where both publish, unlike "live" broadcasting.
    const client = sdk.createClient({ mode: "rtc", codec: "vp8" });
    const call = new AgoraCall(sdk, client, onEvent);
    await client.join(connection.app_id, connection.channel, connection.token, connection.uid);
    await call.publishInitial(local);
    return call;
  },
};

class AgoraCall implements VideoCall {
  private microphone: ILocalAudioTrack | null = null;
  private camera: ILocalVideoTrack | null = null;
  private leaving = false;

  constructor(
    private readonly sdk: AgoraSdk,
    private readonly client: IAgoraRTCClient,
    private readonly emit: (event: CallEventFromProvider) => void,
  ) {
    // Listeners go on before join, so no user already in the channel is missed.
    client.on("user-joined", (user: IAgoraRTCRemoteUser) => emit({ type: "participant-connected", identity: String(user.uid) }));
    client.on("user-left", (user: IAgoraRTCRemoteUser) => emit({ type: "participant-disconnected", identity: String(user.uid) }));
    client.on("user-published", (user: IAgoraRTCRemoteUser, mediaType: "audio" | "video" | "datachannel") =>
      this.subscribe(user, mediaType),
    );
    client.on("user-unpublished", (user: IAgoraRTCRemoteUser, mediaType: "audio" | "video" | "datachannel") => {
      const track = mediaType === "audio" ? user.audioTrack : mediaType === "video" ? user.videoTrack : undefined;
      if (track) emit({ type: "track-removed", identity: String(user.uid), track: track.getMediaStreamTrack() });
    });
    client.on("connection-state-change", (current: ConnectionState, previous: ConnectionState, reason?: ConnectionDisconnectedReason) =>
      this.connectionChanged(current, previous, reason),
    );
    client.on("token-privilege-will-expire", () => emit({ type: "token-expiring" }));
    client.on("token-privilege-did-expire", () => this.end({ type: "disconnected", tokenExpired: true, code: "TOKEN_EXPIRED" }));
  }

  /** Those already in the channel are reported as `user-joined` events, not here. */
  readonly remotes: readonly string[] = [];

  async publishInitial(local: LocalMedia) {
    this.microphone = local.microphone ? this.sdk.createCustomAudioTrack({ mediaStreamTrack: local.microphone }) : null;
    if (this.microphone && !local.microphoneEnabled) await this.microphone.setEnabled(false);
    this.camera = local.camera ? this.sdk.createCustomVideoTrack({ mediaStreamTrack: local.camera }) : null;
    const tracks = [this.microphone, this.camera].filter((track) => track !== null);
    if (tracks.length) await this.client.publish(tracks);
  }

  private async subscribe(user: IAgoraRTCRemoteUser, mediaType: "audio" | "video" | "datachannel") {
    if (mediaType === "datachannel") return;
    const track = mediaType === "audio" ? await this.client.subscribe(user, "audio") : await this.client.subscribe(user, "video");
    // Played by the page's own <audio>/<video> elements, like every other provider's media.
    this.emit({ type: "track-added", identity: String(user.uid), track: track.getMediaStreamTrack() });
  }

  private connectionChanged(current: ConnectionState, previous: ConnectionState, reason?: ConnectionDisconnectedReason) {
    if (current === "RECONNECTING") this.emit({ type: "reconnecting" });
    else if (current === "CONNECTED" && previous === "RECONNECTING") this.emit({ type: "reconnected" });
    else if (current === "DISCONNECTED" && !this.leaving)
      this.end({ type: "disconnected", tokenExpired: false, code: reason, message: reason });
  }

  private end(event: CallEventFromProvider) {
    if (this.leaving) return;
    this.leaving = true;
    this.client.removeAllListeners();
    void this.client.leave().catch(() => undefined);
    this.emit(event);
  }

  async setMicrophoneEnabled(enabled: boolean) {
    await this.microphone?.setEnabled(enabled);
  }

  async replaceMicrophone(track: MediaStreamTrack) {
    const enabled = this.microphone?.enabled ?? true;
    if (this.microphone) await this.client.unpublish([this.microphone]);
    this.microphone = this.sdk.createCustomAudioTrack({ mediaStreamTrack: track });
    if (!enabled) await this.microphone.setEnabled(false);
    await this.client.publish([this.microphone]);
  }

  async setCamera(track: MediaStreamTrack | null) {
    if (this.camera) await this.client.unpublish([this.camera]);
    this.camera = track ? this.sdk.createCustomVideoTrack({ mediaStreamTrack: track }) : null;
    if (this.camera) await this.client.publish([this.camera]);
  }

  /** Agora checks privileges throughout the call, so the fresh token is handed over at once. */
  async refresh(connection: Connection) {
    if (connection.provider === "agora") await this.client.renewToken(connection.token);
  }

  async leave() {
    this.leaving = true;
    this.client.removeAllListeners();
    await this.client.leave();
  }
}
