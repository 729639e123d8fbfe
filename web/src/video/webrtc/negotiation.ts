/**
 * The collision rules of "perfect negotiation" (MDN, WebRTC API, Perfect negotiation): either
 * side may send an offer whenever it needs to (first connection, ICE restart), and when both do
 * at once the polite side yields (rolls its own offer back and answers) while the impolite side
 * ignores the other's offer and waits for the answer to its own. No browser APIs here, only the
 * decision, so it is unit-tested in Node (test/web/negotiation.node.test.ts).
 */

/** RTCSdpType and RTCSignalingState, spelled out: this module must not need the DOM's types. */
export type SdpType = "offer" | "answer" | "pranswer" | "rollback";
export type SignalingState =
  | "stable"
  | "have-local-offer"
  | "have-remote-offer"
  | "have-local-pranswer"
  | "have-remote-pranswer"
  | "closed";

export class PerfectNegotiation {
  /** Between starting our own offer and sending it. */
  makingOffer = false;
  /** The last offer that arrived collided with ours and was dropped (impolite side only). */
  ignoreOffer = false;
  /** Applying the other side's answer: we are back to stable as far as new offers are concerned. */
  settingRemoteAnswerPending = false;

  constructor(readonly polite: boolean) {}

  /**
   * Whether to apply a description that just arrived, given our connection's signalling state.
   * An offer collides when we are making or have made one of our own; only the polite side then
   * applies it (the browser rolls our offer back implicitly).
   */
  accepts(type: SdpType, signalingState: SignalingState): boolean {
    const readyForOffer = !this.makingOffer && (signalingState === "stable" || this.settingRemoteAnswerPending);
    const collision = type === "offer" && !readyForOffer;
    this.ignoreOffer = !this.polite && collision;
    return !this.ignoreOffer;
  }

  /**
   * Whether to offer now. The polite side leaves the first offer to the impolite one and offers
   * its own sections once that exchange is done (the browser asks again then): when both open at
   * once and the polite side rolls back an offer whose candidate gathering has just begun,
   * Chromium (153) may never gather for its answer, and the call never connects.
   */
  mayOffer(remoteDescriptionApplied: boolean): boolean {
    return !this.polite || remoteDescriptionApplied;
  }

  /**
   * Whether a remote ICE candidate that could not be added is expected: it belongs to the offer
   * we ignored. Any other failure is a real one.
   */
  expectsCandidateFailure(): boolean {
    return this.ignoreOffer;
  }
}
