import { describe, expect, it } from "vitest";
import { PerfectNegotiation } from "../../web/src/video/webrtc/negotiation";

describe("PerfectNegotiation", () => {
  it("applies an offer when nothing of ours is under way, on either side", () => {
    for (const polite of [true, false]) {
      const negotiation = new PerfectNegotiation(polite);
      expect(negotiation.accepts("offer", "stable")).toBe(true);
      expect(negotiation.ignoreOffer).toBe(false);
    }
  });

  it("glare: the polite side applies the other offer (rolling its own back), the impolite side ignores it", () => {
    const polite = new PerfectNegotiation(true);
    const impolite = new PerfectNegotiation(false);
    // Both sent offers: each is in have-local-offer when the other's arrives.
    expect(polite.accepts("offer", "have-local-offer")).toBe(true);
    expect(impolite.accepts("offer", "have-local-offer")).toBe(false);
    expect(impolite.ignoreOffer).toBe(true);
    // The impolite side then takes the polite side's answer to its own offer.
    expect(impolite.accepts("answer", "have-local-offer")).toBe(true);
    expect(impolite.ignoreOffer).toBe(false);
  });

  it("an offer arriving while ours is still being made collides, even in stable", () => {
    const impolite = new PerfectNegotiation(false);
    impolite.makingOffer = true;
    expect(impolite.accepts("offer", "stable")).toBe(false);
    const polite = new PerfectNegotiation(true);
    polite.makingOffer = true;
    expect(polite.accepts("offer", "stable")).toBe(true);
  });

  it("an offer arriving while the answer to ours is being applied does not collide", () => {
    const impolite = new PerfectNegotiation(false);
    impolite.settingRemoteAnswerPending = true;
    expect(impolite.accepts("offer", "have-local-offer")).toBe(true);
  });

  it("answers are always applied", () => {
    for (const polite of [true, false]) {
      const negotiation = new PerfectNegotiation(polite);
      negotiation.makingOffer = true;
      expect(negotiation.accepts("answer", "have-local-offer")).toBe(true);
    }
  });

  it("expects a candidate to fail only while an ignored offer's candidates arrive", () => {
    const impolite = new PerfectNegotiation(false);
    expect(impolite.expectsCandidateFailure()).toBe(false);
    impolite.accepts("offer", "have-local-offer");
    expect(impolite.expectsCandidateFailure()).toBe(true);
    // The next description applied (the answer to our offer) ends the ignoring.
    impolite.accepts("answer", "have-local-offer");
    expect(impolite.expectsCandidateFailure()).toBe(false);

    const polite = new PerfectNegotiation(true);
    polite.accepts("offer", "have-local-offer");
    expect(polite.expectsCandidateFailure()).toBe(false);
  });
});

describe("who offers first", () => {
  it("the impolite side offers whenever it needs to; the polite side only once the first offer is applied", () => {
    expect(new PerfectNegotiation(false).mayOffer(false)).toBe(true);
    expect(new PerfectNegotiation(false).mayOffer(true)).toBe(true);
    expect(new PerfectNegotiation(true).mayOffer(false)).toBe(false);
    expect(new PerfectNegotiation(true).mayOffer(true)).toBe(true);
  });
});
