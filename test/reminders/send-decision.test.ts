import { describe, expect, it } from "vitest";
import type { ClaimedMessage } from "../../src/reminders/ledger-claims";
import { sendDecision } from "../../src/reminders/send-decision";

const HOUR = 3600;
const startsAt = Date.parse("2030-03-04T15:00:00Z") / 1000;
const offsets = [1440, 60, 15];

/** A claimed one-hour WhatsApp reminder, as the consumer loads it, that is fine to send. */
function claimed(fields: Partial<ClaimedMessage> = {}): ClaimedMessage {
  return {
    id: 1,
    appointment_id: 7,
    recipient_id: 201,
    channel: "whatsapp",
    kind: "reminder",
    offset_minutes: 60,
    starts_at: startsAt,
    sequence: 0,
    previous_starts_at: null,
    due_at: startsAt - HOUR,
    status: "sending",
    skip_reason: null,
    attempts: 1,
    queued_at: 0,
    lease_until: 0,
    provider_message_id: null,
    delivery_status: null,
    last_error: null,
    sent_at: null,
    created_at: 0,
    updated_at: 0,
    appointment_starts_at: startsAt,
    duration_minutes: 50,
    appointment_status: "confirmed",
    session_type: "telehealth",
    service_name: null,
    video_room_id: "apt-7",
    recipient_role: "patient",
    recipient_name: "Jane",
    recipient_email: "jane@example.com",
    recipient_phone: "+15550000201",
    recipient_timezone: "UTC",
    contact_skip_reason: null,
    other_name: "Alan",
    ...fields,
  };
}

const decide = (fields: Partial<ClaimedMessage>, now = startsAt - HOUR) => sendDecision(claimed(fields), offsets, now);

describe("sendDecision", () => {
  it("sends a reminder inside its grace window", () => {
    expect(decide({})).toEqual({ action: "send" });
    expect(decide({}, startsAt - 41 * 60)).toEqual({ action: "send" });
  });

  it("skips a reminder past its grace window, superseded, or for a session under way", () => {
    expect(decide({}, startsAt - 40 * 60)).toEqual({ action: "skip", reason: "grace_window_passed" });
    expect(decide({}, startsAt - 10 * 60)).toEqual({ action: "skip", reason: "superseded_by_later_reminder" });
    expect(decide({}, startsAt)).toEqual({ action: "skip", reason: "appointment_started" });
    expect(decide({ appointment_status: "ongoing" })).toEqual({ action: "skip", reason: "appointment_started" });
  });

  it("waits for a reminder that reached the consumer before its time", () => {
    expect(decide({}, startsAt - 2 * HOUR)).toEqual({ action: "wait", at: startsAt - HOUR });
  });

  it("plans an offset no longer configured by its own grace window", () => {
    expect(sendDecision(claimed({ offset_minutes: 120 }), offsets, startsAt - 2 * HOUR + 60)).toEqual({ action: "send" });
  });

  it("skips anything about a cancelled, completed, moved or in-person session, except the cancellation", () => {
    expect(decide({ appointment_status: "cancelled" })).toEqual({ action: "skip", reason: "appointment_cancelled" });
    expect(decide({ appointment_status: "completed" })).toEqual({ action: "skip", reason: "appointment_completed" });
    expect(decide({ appointment_starts_at: startsAt + HOUR })).toEqual({ action: "skip", reason: "appointment_moved" });
    expect(decide({ session_type: "in_person" })).toEqual({ action: "skip", reason: "not_telehealth" });
    expect(decide({ kind: "booked", offset_minutes: 0, appointment_status: "cancelled" })).toEqual({
      action: "skip",
      reason: "appointment_cancelled",
    });
    expect(decide({ kind: "cancelled", offset_minutes: 0, appointment_status: "cancelled" }, startsAt + HOUR)).toEqual({ action: "send" });
    expect(decide({ kind: "cancelled", offset_minutes: 0, appointment_status: "scheduled" })).toEqual({
      action: "skip",
      reason: "appointment_not_cancelled",
    });
  });

  it("sends a booking notice any time before the start", () => {
    expect(decide({ kind: "booked", offset_minutes: 0 }, startsAt - 30 * 24 * HOUR)).toEqual({ action: "send" });
    expect(decide({ kind: "rescheduled", offset_minutes: 0 }, startsAt + 1)).toEqual({ action: "skip", reason: "appointment_started" });
  });

  it("respects opt-outs and needs a WhatsApp number in E.164", () => {
    expect(decide({ contact_skip_reason: "whatsapp_not_opted_in" })).toEqual({ action: "skip", reason: "whatsapp_not_opted_in" });
    expect(decide({ recipient_phone: "0155 5000 201" })).toEqual({ action: "skip", reason: "invalid_phone_number" });
    expect(decide({ channel: "email", recipient_phone: null })).toEqual({ action: "send" });
  });

  it("skips a session without a video room", () => {
    expect(decide({ video_room_id: null })).toEqual({ action: "skip", reason: "no_video_link" });
  });
});
