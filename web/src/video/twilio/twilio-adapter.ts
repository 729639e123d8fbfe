import type { LocalAudioTrack, LocalVideoTrack, RemoteParticipant, RemoteTrack, Room, TwilioError } from "twilio-video";
import type { Connection, TwilioConnection } from "../../api/types";
import type { CallEventFromProvider, VideoCall, VideoProviderAdapter } from "../adapter";
import { loadTwilioSdk, type TwilioSdk } from "./twilio-sdk";

/** Twilio's "Access Token expired or expiration date invalid": its only check of a token is on (re)connect. */
export const TWILIO_TOKEN_EXPIRED = 20104;

export const twilioAdapter: VideoProviderAdapter<TwilioConnection> = {
  async preload() {
    await loadTwilioSdk();
  },
  async connect(connection, local, onEvent) {
    const sdk = await loadTwilioSdk();
    const microphone = local.microphone ? new sdk.LocalAudioTrack(local.microphone, { name: "microphone" }) : null;
    if (microphone && !local.microphoneEnabled) microphone.disable();
    const camera = local.camera ? new sdk.LocalVideoTrack(local.camera, { name: "camera" }) : null;
    const room = await sdk.connect(connection.token, {
      name: connection.room_name,
      tracks: [microphone, camera].filter((track) => track !== null),
      // One-to-one sessions: no speaker detection or network-quality API traffic we do not show.
      dominantSpeaker: false,
      networkQuality: false,
      preferredVideoCodecs: ["VP8"],
    });
    return new TwilioCall(sdk, room, microphone, camera, onEvent);
  },
};

class TwilioCall implements VideoCall {
  readonly remotes: readonly string[];

  constructor(
    private readonly sdk: TwilioSdk,
    private readonly room: Room,
    private microphone: LocalAudioTrack | null,
    private camera: LocalVideoTrack | null,
    private readonly emit: (event: CallEventFromProvider) => void,
  ) {
    this.remotes = [...room.participants.values()].map((participant) => participant.identity);
    room.on("participantConnected", (participant: RemoteParticipant) =>
      emit({ type: "participant-connected", identity: participant.identity }),
    );
    room.on("participantDisconnected", (participant: RemoteParticipant) =>
      emit({ type: "participant-disconnected", identity: participant.identity }),
    );
    room.on("trackSubscribed", (track: RemoteTrack, _publication: unknown, participant: RemoteParticipant) =>
      this.remoteTrack("track-added", track, participant),
    );
    room.on("trackUnsubscribed", (track: RemoteTrack, _publication: unknown, participant: RemoteParticipant) =>
      this.remoteTrack("track-removed", track, participant),
    );
    room.on("reconnecting", () => emit({ type: "reconnecting" }));
    room.on("reconnected", () => emit({ type: "reconnected" }));
    room.on("disconnected", (_room: Room, error?: TwilioError) => {
      room.removeAllListeners();
      emit({ type: "disconnected", tokenExpired: error?.code === TWILIO_TOKEN_EXPIRED, code: error?.code, message: error?.message });
    });
    // Tracks of those already in the room were subscribed during connect, before our listeners.
    queueMicrotask(() => {
      for (const participant of room.participants.values()) {
        for (const publication of participant.tracks.values()) {
          if (publication.track && publication.track.kind !== "data") this.remoteTrack("track-added", publication.track, participant);
        }
      }
    });
  }

  private remoteTrack(type: "track-added" | "track-removed", track: RemoteTrack, participant: RemoteParticipant) {
    if (track.kind === "data") return;
    this.emit({ type, identity: participant.identity, track: track.mediaStreamTrack });
  }

  async setMicrophoneEnabled(enabled: boolean) {
    // Disabling (not unpublishing) lets Twilio tell the other side the microphone is off.
    this.microphone?.enable(enabled);
  }

  async replaceMicrophone(track: MediaStreamTrack) {
    const enabled = this.microphone?.isEnabled ?? true;
    if (this.microphone) this.room.localParticipant.unpublishTrack(this.microphone);
    this.microphone = new this.sdk.LocalAudioTrack(track, { name: "microphone" });
    if (!enabled) this.microphone.disable();
    await this.room.localParticipant.publishTrack(this.microphone);
  }

  async setCamera(track: MediaStreamTrack | null) {
    if (this.camera) this.room.localParticipant.unpublishTrack(this.camera);
    this.camera = track ? new this.sdk.LocalVideoTrack(track, { name: "camera" }) : null;
    if (this.camera) await this.room.localParticipant.publishTrack(this.camera);
  }

  /**
   * Twilio checks a token only when connecting, so a fresh one matters only for the next
   * reconnect: the page keeps it and passes it to `connect` after a 20104 disconnect.
   */
  async refresh(_connection: Connection) {}

  async leave() {
    this.room.removeAllListeners();
    this.room.disconnect();
  }
}
