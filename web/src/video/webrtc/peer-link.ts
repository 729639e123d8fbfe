import type { LocalMedia } from "../adapter";
import { PerfectNegotiation } from "./negotiation";
import type { SignalData } from "./signalling";

export interface PeerLinkEvents {
  /** A description or candidate for the other side. */
  signal(data: SignalData): void;
  /** A remote track to show (true), or to stop showing (false). */
  track(track: MediaStreamTrack, shown: boolean): void;
  /** ICE lost the other side (true) or has it again (false). */
  mediaTrouble(troubled: boolean): void;
}

/**
 * One RTCPeerConnection to the other party, for as long as both are connected to signalling.
 * Each side sends on its own two transceivers (audio, video; send-only) and receives on the ones
 * the other side's offer creates, so turning the camera off or switching devices is a
 * `replaceTrack`, never a new negotiation. The impolite side offers first, the polite side once
 * that is answered; either may offer again at any time (ICE restarts): PerfectNegotiation
 * settles collisions.
 *
 * Why not answer on the other side's transceivers instead (fewer sections): Chromium stops
 * sending on a transceiver created by a remote offer once the polite side rolls back a
 * colliding offer of its own (seen in Chromium 153: its bytes sent stay at 0), so every sending
 * transceiver is our own.
 */
export class PeerLink {
  private readonly pc: RTCPeerConnection;
  private readonly negotiation: PerfectNegotiation;
  private readonly audio: RTCRtpTransceiver;
  private readonly video: RTCRtpTransceiver;
  private channel: RTCDataChannel | undefined;
  private remoteVideo: MediaStreamTrack | null = null;
  /** The other side's camera, as its data channel says: a replaced-by-nothing track just stops, silently. */
  private remoteCameraOn = true;
  private readonly shown = new Set<MediaStreamTrack>();
  private closed = false;

  /** `sending`: the call's own media, kept current by the call; read here at the start and for the camera state. */
  constructor(
    iceServers: RTCIceServer[],
    private readonly sending: Readonly<LocalMedia>,
    polite: boolean,
    private readonly events: PeerLinkEvents,
  ) {
    const pc = new RTCPeerConnection({ iceServers });
    this.pc = pc;
    this.negotiation = new PerfectNegotiation(polite);
    pc.onnegotiationneeded = () => void this.offer();
    pc.onicecandidate = ({ candidate }) => candidate && events.signal({ candidate: candidate.toJSON() });
    pc.ontrack = ({ track }) => this.remoteTrack(track);
    pc.oniceconnectionstatechange = () => this.iceChanged();
    this.audio = pc.addTransceiver(sending.microphone ?? "audio", { direction: "sendonly" });
    this.video = pc.addTransceiver(sending.camera ?? "video", { direction: "sendonly" });
    // One channel is enough: the impolite side opens it, the polite side is handed it.
    if (polite) pc.ondatachannel = ({ channel }) => this.useChannel(channel);
    else this.useChannel(pc.createDataChannel("camera"));
  }

  async receive(data: SignalData): Promise<void> {
    if (this.closed) return;
    try {
      if ("description" in data) await this.receiveDescription(data.description);
      else if (data.candidate) await this.receiveCandidate(data.candidate);
    } catch (error) {
      // The call carries on: ICE fails and restarts if this step mattered.
      if (!this.closed) console.warn("WebRTC negotiation step failed", error);
    }
  }

  async setMicrophone(track: MediaStreamTrack) {
    await this.audio.sender.replaceTrack(track);
  }

  async setCamera(track: MediaStreamTrack | null) {
    await this.video.sender.replaceTrack(track);
    this.sendCameraState();
  }

  setIceServers(iceServers: RTCIceServer[]) {
    if (!this.closed) this.pc.setConfiguration({ ...this.pc.getConfiguration(), iceServers });
  }

  restartIce() {
    if (!this.closed) this.pc.restartIce();
  }

  /** Ends the connection; the remote tracks shown so far are reported gone. */
  close() {
    this.closed = true;
    this.pc.close();
    for (const track of this.shown) this.events.track(track, false);
    this.shown.clear();
  }

  private async offer() {
    if (!this.negotiation.mayOffer(this.pc.remoteDescription !== null)) return;
    try {
      this.negotiation.makingOffer = true;
      await this.pc.setLocalDescription();
      this.events.signal({ description: this.pc.localDescription!.toJSON() });
    } catch (error) {
      if (!this.closed) console.warn("WebRTC offer failed", error);
    } finally {
      this.negotiation.makingOffer = false;
    }
  }

  private async receiveDescription(description: RTCSessionDescriptionInit) {
    if (!this.negotiation.accepts(description.type, this.pc.signalingState)) return;
    this.negotiation.settingRemoteAnswerPending = description.type === "answer";
    try {
      await this.pc.setRemoteDescription(description);
    } finally {
      this.negotiation.settingRemoteAnswerPending = false;
    }
    if (description.type !== "offer") return;
    await this.pc.setLocalDescription();
    this.events.signal({ description: this.pc.localDescription!.toJSON() });
  }

  private async receiveCandidate(candidate: RTCIceCandidateInit) {
    try {
      await this.pc.addIceCandidate(candidate);
    } catch (error) {
      if (!this.negotiation.expectsCandidateFailure()) throw error;
    }
  }

  private remoteTrack(track: MediaStreamTrack) {
    if (track.kind === "video") this.remoteVideo = track;
    this.show(track, track.kind === "audio" || this.remoteCameraOn);
  }

  private show(track: MediaStreamTrack, shown: boolean) {
    if (this.closed || shown === this.shown.has(track)) return;
    if (shown) this.shown.add(track);
    else this.shown.delete(track);
    this.events.track(track, shown);
  }

  private useChannel(channel: RTCDataChannel) {
    this.channel = channel;
    channel.onopen = () => this.sendCameraState();
    channel.onmessage = ({ data }) => {
      try {
        const { camera } = JSON.parse(String(data)) as { camera?: unknown };
        if (typeof camera !== "boolean") return;
        this.remoteCameraOn = camera;
        if (this.remoteVideo) this.show(this.remoteVideo, camera);
      } catch {
        // Not a message of ours.
      }
    };
  }

  private sendCameraState() {
    if (this.channel?.readyState === "open") this.channel.send(JSON.stringify({ camera: this.sending.camera !== null }));
  }

  private iceChanged() {
    switch (this.pc.iceConnectionState) {
      case "failed":
        // Both sides see the failure; one restart is enough, and two at once would collide
        // (see PerfectNegotiation.mayOffer for what a collision can cost in Chromium).
        if (!this.negotiation.polite) this.pc.restartIce();
        this.events.mediaTrouble(true);
        return;
      case "disconnected":
        this.events.mediaTrouble(true);
        return;
      case "connected":
      case "completed":
        this.events.mediaTrouble(false);
    }
  }
}
