import twilio from "twilio";
import { describe, expect, it } from "vitest";
import { type FormParams, twilioSignature, verifyTwilioSignature } from "../../../src/providers/twilio/webhook-signature";

const authToken = "0123456789abcdef0123456789abcdef";

/** Twilio's helper takes a record in which a repeated field is an array of its values. */
function asTwilioRecord(params: FormParams): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = {};
  for (const [name, value] of params) {
    const existing = record[name];
    record[name] = existing === undefined ? value : [...[existing].flat(), value];
  }
  return record;
}

const roomEvent: FormParams = [
  ["AccountSid", "AC00000000000000000000000000000001"],
  ["RoomName", "appt-42"],
  ["RoomSid", "RM00000000000000000000000000000001"],
  ["RoomStatus", "in-progress"],
  ["RoomType", "group"],
  ["StatusCallbackEvent", "participant-connected"],
  ["Timestamp", "2026-03-02T15:04:05.123Z"],
  ["ParticipantSid", "PA00000000000000000000000000000001"],
  ["ParticipantStatus", "connected"],
  ["ParticipantIdentity", "patient:ünïcødé 🙂"],
  ["SequenceNumber", "3"],
];

const cases: Array<{ name: string; url: string; params: FormParams }> = [
  { name: "a room status callback", url: "https://video-edge.example.com/webhooks/twilio/rooms?appointment=42", params: roomEvent },
  {
    name: "repeated fields",
    url: "https://video-edge.example.com/hook",
    params: [
      ["B", "2"],
      ["A", "z"],
      ["A", "a"],
      ["A", "z"],
    ],
  },
  { name: "an explicit default port", url: "https://video-edge.example.com:443/hook?x=1", params: roomEvent },
  { name: "no fields", url: "https://video-edge.example.com/hook", params: [] },
];

describe("Twilio signatures agree with the official twilio package", () => {
  it.each(cases)("we produce the signature twilio computes: $name", async ({ url, params }) => {
    expect(await twilioSignature(authToken, url, params)).toBe(twilio.getExpectedTwilioSignature(authToken, url, asTwilioRecord(params)));
  });

  it.each(cases)("twilio validates what we sign: $name", async ({ url, params }) => {
    const ours = await twilioSignature(authToken, url, params);
    expect(twilio.validateRequest(authToken, ours, url, asTwilioRecord(params))).toBe(true);
  });

  it.each(cases)("we accept what twilio signs, with and without the port: $name", async ({ url, params }) => {
    const theirs = twilio.getExpectedTwilioSignature(authToken, url, asTwilioRecord(params));
    const otherForm = url.includes(":443") ? url.replace(":443", "") : url.replace(".com/", ".com:443/");
    expect(await verifyTwilioSignature({ authToken, url, params, signature: theirs })).toBe(true);
    expect(await verifyTwilioSignature({ authToken, url: otherForm, params, signature: theirs })).toBe(true);
    expect(twilio.validateRequest(authToken, theirs, otherForm, asTwilioRecord(params))).toBe(true);
  });

  it("we both reject the same tampering", async () => {
    const url = cases[0]!.url;
    const theirs = twilio.getExpectedTwilioSignature(authToken, url, asTwilioRecord(roomEvent));
    const tampered: FormParams = roomEvent.map(([name, value]) => [name, name === "ParticipantIdentity" ? "therapist:1" : value]);
    expect(twilio.validateRequest(authToken, theirs, url, asTwilioRecord(tampered))).toBe(false);
    expect(await verifyTwilioSignature({ authToken, url, params: tampered, signature: theirs })).toBe(false);
  });
});
