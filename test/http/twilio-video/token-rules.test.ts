import { describe, expect, it } from "vitest";
import { joinWindow } from "../../../src/appointments/join-window";
import { tokenValidUntil, twilioTokenResponse } from "../../../src/http/twilio-video/token-response";
import { joinRefusal } from "../../../src/video/room-entry";
import { tokenExpiresAt } from "../../../src/video/token-ttl";

const start = 1_800_000_000;
const session = { startsAt: start, durationMinutes: 50, status: "confirmed", sessionType: "telehealth" };

describe("tokenValidUntil", () => {
  it.each([
    [5400, "90 minutes (1 hours)"],
    [3600, "60 minutes (1 hours)"],
    [4800, "80 minutes (1 hours)"],
    [14_400, "240 minutes (4 hours)"],
    [7199, "119 minutes (1 hours)"],
    [59, "0 minutes (0 hours)"],
  ])("writes %i seconds as %s", (seconds, text) => {
    expect(tokenValidUntil(seconds)).toBe(text);
  });
});

describe("twilioTokenResponse", () => {
  it("gives exactly the documented fields, times in ISO 8601 UTC", () => {
    const body = twilioTokenResponse({
      connection: { provider: "twilio", token: "t", expiresAt: start + 4800, roomName: "apt-1", identity: "7-a@example.com" },
      now: start,
      appointmentId: 1,
      durationMinutes: 50,
    });
    expect(body).toEqual({
      access_token: "t",
      room_name: "apt-1",
      user_identity: "7-a@example.com",
      expires_in: 4800,
      expires_at: "2027-01-15T09:20:00Z",
      appointment_id: 1,
      appointment_duration_minutes: 50,
      token_valid_until: "80 minutes (1 hours)",
    });
  });
});

describe("tokenExpiresAt", () => {
  const roomClosesAt = start + 80 * 60;
  it("gives a first token the session plus 30 minutes, between 1 and 4 hours", () => {
    expect(tokenExpiresAt("join", { durationMinutes: 50, roomClosesAt }, start - 600)).toBe(start - 600 + 80 * 60);
    expect(tokenExpiresAt("join", { durationMinutes: 15, roomClosesAt }, start)).toBe(start + 60 * 60);
    expect(tokenExpiresAt("join", { durationMinutes: 240, roomClosesAt }, start)).toBe(start + 240 * 60);
  });

  it("makes a renewal last until the room closes, however late or early it is asked for", () => {
    expect(tokenExpiresAt("renewal", { durationMinutes: 50, roomClosesAt }, start - 900)).toBe(roomClosesAt);
    expect(tokenExpiresAt("renewal", { durationMinutes: 50, roomClosesAt }, roomClosesAt - 60)).toBe(roomClosesAt);
    // A four-hour session refreshed before it starts needs more than the first token's four-hour cap.
    const longCloses = start + 270 * 60;
    expect(tokenExpiresAt("renewal", { durationMinutes: 240, roomClosesAt: longCloses }, start - 900) - (start - 900)).toBe(285 * 60);
  });
});

describe("joinRefusal", () => {
  it("says nothing while the room is open", () => {
    expect(joinRefusal(joinWindow(session, start), "appointment")).toBeUndefined();
  });

  it("says when the room opens and when it closed", () => {
    expect(joinRefusal(joinWindow(session, start - 901), "appointment")).toBe(
      "This appointment has not started yet: its video room opens at 2027-01-15T07:45:00Z, 15 minutes before the start",
    );
    expect(joinRefusal(joinWindow(session, start + 80 * 60), "call")).toBe(
      "This call is over: its video room closed at 2027-01-15T09:20:00Z, 30 minutes after the booked end",
    );
    expect(joinRefusal(joinWindow(session, start - 901), "call")).toBe("This call is not scheduled to start yet");
  });

  it("names cancelled, completed and in-person sessions", () => {
    expect(joinRefusal(joinWindow({ ...session, status: "cancelled" }, start), "appointment")).toBe("This appointment has been cancelled");
    expect(joinRefusal(joinWindow({ ...session, status: "completed" }, start), "call")).toBe("This call has already been completed");
    expect(joinRefusal(joinWindow({ ...session, sessionType: "in_person" }, start), "appointment")).toBe(
      "This appointment is an in-person session, without a video room",
    );
  });
});
