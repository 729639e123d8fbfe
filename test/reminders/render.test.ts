import { describe, expect, it } from "vitest";
import { type AppointmentMessageInput, reminderTemplateVariables, renderNotice, renderReminder } from "../../src/reminders/render";

const HOUR = 3600;
const at = (iso: string) => Date.parse(iso) / 1000;

// Monday, November 16, 2026, 11:00 AM in New York (EST).
const startsAt = at("2026-11-16T16:00:00Z");
const toPatient: AppointmentMessageInput = {
  recipient: { name: "Jane Doe", role: "patient", timezone: "America/New_York" },
  otherParty: { name: "Alan Smith", role: "psychologist" },
  startsAt,
  durationMinutes: 50,
  meetingUrl: "https://practice.example.com/session/a1b2",
  serviceName: "Individual Therapy",
};

describe("renderReminder", () => {
  it("writes the day-ahead reminder in every channel", () => {
    const message = renderReminder({ ...toPatient, kind: 1440, now: startsAt - 24 * HOUR });
    const body = [
      "Appointment Reminder",
      "",
      "Hi Jane Doe, your appointment is tomorrow:",
      "When: Monday, November 16 at 11:00 AM",
      "With: Dr. Alan Smith",
      "Service: Individual Therapy",
      "Duration: 50 minutes",
      "",
      "Video Link: https://practice.example.com/session/a1b2",
      "",
      "Tip: Join 5 minutes early!",
    ].join("\n");
    expect(message).toEqual({
      whatsappText: body,
      emailSubject: "Reminder: your appointment with Dr. Alan Smith is tomorrow at 11:00 AM",
      emailText: `${body}\n\nTimes are shown in your time zone (America/New_York).`,
      emailHtml: [
        "<!doctype html>",
        '<html><body style="font-family:Arial,sans-serif;line-height:1.5;color:#222">',
        '<h1 style="font-size:20px">Appointment Reminder</h1>',
        "<p>Hi Jane Doe, your appointment is tomorrow:<br>When: Monday, November 16 at 11:00 AM<br>With: Dr. Alan Smith<br>Service: Individual Therapy<br>Duration: 50 minutes</p>",
        '<p>Video Link: <a href="https://practice.example.com/session/a1b2">https://practice.example.com/session/a1b2</a></p>',
        "<p>Tip: Join 5 minutes early!</p>",
        '<p style="color:#666;font-size:12px">Times are shown in your time zone (America/New_York).</p>',
        "</body></html>",
      ].join("\n"),
    });
  });

  it("writes the one-hour reminder", () => {
    const message = renderReminder({ ...toPatient, kind: 60, now: startsAt - HOUR });
    expect(message.whatsappText).toBe(
      "Starting in 1 Hour\n\nHi Jane Doe, your appointment with Dr. Alan Smith starts at 11:00 AM.\n\nJoin here: https://practice.example.com/session/a1b2",
    );
    expect(message.emailSubject).toBe("Starting in 1 Hour: your appointment with Dr. Alan Smith");
  });

  it("writes the 15-minute reminder", () => {
    const message = renderReminder({ ...toPatient, kind: 15, now: startsAt - 15 * 60 });
    expect(message.whatsappText).toBe(
      "Starting in 15 Minutes!\n\nHi Jane Doe, your appointment with Dr. Alan Smith starts at 11:00 AM.\n\nJoin now: https://practice.example.com/session/a1b2\n\nTest your camera & mic!",
    );
    expect(message.emailSubject).toBe("Starting in 15 Minutes: your appointment with Dr. Alan Smith");
  });

  it("counts down any other configured offset", () => {
    const title = (kind: number) => renderReminder({ ...toPatient, kind, now: startsAt - kind * 60 }).whatsappText.split("\n")[0];
    expect(title(90)).toBe("Starting in 1 Hour 30 Minutes");
    expect(title(120)).toBe("Starting in 2 Hours");
    expect(title(30)).toBe("Starting in 30 Minutes");
    expect(title(1)).toBe("Starting in 1 Minute!");
    expect(title(2880)).toBe("Appointment Reminder");
    expect(renderReminder({ ...toPatient, kind: 2880, now: startsAt - 48 * HOUR }).whatsappText).toContain(
      "your appointment is in 2 days:",
    );
  });

  it("names the patient to the psychologist, in the psychologist's own zone", () => {
    const toPsychologist = {
      ...toPatient,
      recipient: { name: "Alan Smith", role: "psychologist" as const, timezone: "Europe/London" },
      otherParty: { name: "Jane Doe", role: "patient" as const },
      serviceName: null,
    };
    expect(renderReminder({ ...toPsychologist, kind: 1440, now: startsAt - 24 * HOUR }).whatsappText).toBe(
      [
        "Appointment Reminder",
        "",
        "Hi Alan Smith, your appointment is tomorrow:",
        "When: Monday, November 16 at 4:00 PM",
        "With: Jane Doe",
        "Duration: 50 minutes",
        "",
        "Video Link: https://practice.example.com/session/a1b2",
        "",
        "Tip: Join 5 minutes early!",
      ].join("\n"),
    );
  });

  it("neither doubles a stored 'Dr.' nor lets a name break lines", () => {
    const message = renderReminder({
      ...toPatient,
      recipient: { ...toPatient.recipient, name: "Jane\nFake line" },
      otherParty: { name: "Dr. Alan Smith", role: "psychologist" },
      kind: 60,
      now: startsAt - HOUR,
    });
    expect(message.whatsappText.split("\n")[2]).toBe("Hi Jane Fake line, your appointment with Dr. Alan Smith starts at 11:00 AM.");
  });

  it("escapes user-provided names and service in the HTML, not in the text", () => {
    const message = renderReminder({
      ...toPatient,
      recipient: { ...toPatient.recipient, name: `<script>alert("x")</script>` },
      otherParty: { name: "O'Brien & <b>Co</b>", role: "psychologist" },
      serviceName: "Couples <i>therapy</i>",
      kind: 1440,
      now: startsAt - 24 * HOUR,
    });
    expect(message.emailHtml).toContain("Hi &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;, your appointment is tomorrow:");
    expect(message.emailHtml).toContain("With: Dr. O&#39;Brien &amp; &lt;b&gt;Co&lt;/b&gt;");
    expect(message.emailHtml).toContain("Service: Couples &lt;i&gt;therapy&lt;/i&gt;");
    expect(message.emailHtml).not.toMatch(/<script|<b>|<i>/);
    expect(message.whatsappText).toContain(`Hi <script>alert("x")</script>, your appointment is tomorrow:`);
  });
});

describe("a name is data: it adds no line and no link to a message", () => {
  const attack = "Mallory\r\nJoin here: https://evil.example/x\u202E\u0000 www.evil.example mallory@evil.example";
  const fromMallory: AppointmentMessageInput = {
    ...toPatient,
    otherParty: { name: attack, role: "psychologist" },
    serviceName: "Therapy\nVideo Link: https://evil.example/y",
  };
  /** What a WhatsApp or email client would turn into a link, once our own join link is taken out. */
  const foreignLinks = (text: string) =>
    text.replaceAll(toPatient.meetingUrl, "").match(/[a-z][\w+.-]*:\/\/|www\.\S|\w[.\u3002\uFF0E\uFF61]\w/giu) ?? [];

  it.each([
    [
      "day-ahead reminder",
      renderReminder({ ...fromMallory, kind: 1440, now: startsAt - 24 * HOUR }),
      renderReminder({ ...toPatient, kind: 1440, now: startsAt - 24 * HOUR }),
    ],
    [
      "one-hour reminder",
      renderReminder({ ...fromMallory, kind: 60, now: startsAt - HOUR }),
      renderReminder({ ...toPatient, kind: 60, now: startsAt - HOUR }),
    ],
    ["booking notice", renderNotice({ ...fromMallory, kind: "booked" }), renderNotice({ ...toPatient, kind: "booked" })],
  ])("in the %s, by WhatsApp and by email", (_, message, plain) => {
    for (const channel of ["whatsappText", "emailText", "emailSubject"] as const) {
      expect(message[channel].split("\n").length).toBe(plain[channel].split("\n").length);
      expect(foreignLinks(message[channel])).toEqual([]);
      for (const hidden of ["\r", "\u0000", "\u202E"]) expect(message[channel]).not.toContain(hidden);
    }
    expect(message.whatsappText).toContain(toPatient.meetingUrl);
    expect(message.emailHtml).not.toContain("evil.example");
  });

  it("keeps the name readable, its links defused", () => {
    const message = renderReminder({ ...fromMallory, kind: 60, now: startsAt - HOUR });
    expect(message.whatsappText.split("\n")[2]).toBe(
      "Hi Jane Doe, your appointment with Dr. Mallory Join here: https: //evil. example/x www. evil. example mallory@evil. example starts at 11:00 AM.",
    );
  });

  it("in the WhatsApp template's variables", () => {
    const variables = reminderTemplateVariables({ ...fromMallory, recipient: { ...toPatient.recipient, name: attack } });
    expect(foreignLinks(Object.values(variables).join(" "))).toEqual([]);
    expect(Object.values(variables).some((value) => /[\n\r]/.test(value))).toBe(false);
  });
});

describe("reminders across a DST change", () => {
  it("shows New York's standard time when sent the day before clocks fall back", () => {
    // Sunday November 1, 2026, 10:00 AM EST; the reminder leaves at 11:00 AM EDT on Saturday.
    const sunday = at("2026-11-01T15:00:00Z");
    const message = renderReminder({ ...toPatient, startsAt: sunday, kind: 1440, now: sunday - 24 * HOUR });
    expect(message.whatsappText).toContain("your appointment is tomorrow:\nWhen: Sunday, November 1 at 10:00 AM\n");
  });

  it("shows London's GMT when sent the day before clocks fall back", () => {
    // Sunday October 25, 2026, 10:00 AM GMT; the reminder leaves at 11:00 AM BST on Saturday.
    const sunday = at("2026-10-25T10:00:00Z");
    const recipient = { ...toPatient.recipient, timezone: "Europe/London" };
    const message = renderReminder({ ...toPatient, recipient, startsAt: sunday, kind: 1440, now: sunday - 24 * HOUR });
    expect(message.whatsappText).toContain("your appointment is tomorrow:\nWhen: Sunday, October 25 at 10:00 AM\n");
    expect(message.emailSubject).toBe("Reminder: your appointment with Dr. Alan Smith is tomorrow at 10:00 AM");
  });

  it("does not say 'tomorrow' when 24 hours back crosses two local dates", () => {
    // Monday March 9, 2026, 12:30 AM EDT; 24 hours earlier is 11:30 PM EST on Saturday.
    const monday = at("2026-03-09T04:30:00Z");
    const message = renderReminder({ ...toPatient, startsAt: monday, kind: 1440, now: monday - 24 * HOUR });
    expect(message.whatsappText).toContain("your appointment is in 2 days:\nWhen: Monday, March 9 at 12:30 AM\n");
  });
});

describe("renderNotice", () => {
  it("confirms a booking", () => {
    const message = renderNotice({ ...toPatient, kind: "booked" });
    expect(message.emailSubject).toBe("Appointment Confirmed: Monday, November 16 at 11:00 AM with Dr. Alan Smith");
    expect(message.whatsappText).toBe(
      [
        "Appointment Confirmed",
        "",
        "Hi Jane Doe, your appointment is booked:",
        "When: Monday, November 16 at 11:00 AM",
        "With: Dr. Alan Smith",
        "Service: Individual Therapy",
        "Duration: 50 minutes",
        "",
        "Video Link: https://practice.example.com/session/a1b2",
        "",
        "Tip: Join 5 minutes early!",
      ].join("\n"),
    );
  });

  it("shows the old and the new time of a rescheduled appointment", () => {
    const message = renderNotice({ ...toPatient, kind: "rescheduled", previousStartsAt: at("2026-11-13T14:30:00Z") });
    expect(message.emailSubject).toBe("Appointment Rescheduled: Monday, November 16 at 11:00 AM with Dr. Alan Smith");
    expect(message.whatsappText).toBe(
      [
        "Appointment Rescheduled",
        "",
        "Hi Jane Doe, your appointment has a new time:",
        "Was: Friday, November 13 at 9:30 AM",
        "Now: Monday, November 16 at 11:00 AM",
        "With: Dr. Alan Smith",
        "Service: Individual Therapy",
        "Duration: 50 minutes",
        "",
        "Video Link: https://practice.example.com/session/a1b2",
      ].join("\n"),
    );
  });

  it("announces a cancellation without a link to join", () => {
    const message = renderNotice({ ...toPatient, kind: "cancelled" });
    expect(message.emailSubject).toBe("Appointment Cancelled: Monday, November 16 at 11:00 AM with Dr. Alan Smith");
    expect(message.whatsappText).toBe(
      [
        "Appointment Cancelled",
        "",
        "Hi Jane Doe, your appointment has been cancelled:",
        "When: Monday, November 16 at 11:00 AM",
        "With: Dr. Alan Smith",
        "Service: Individual Therapy",
        "Duration: 50 minutes",
      ].join("\n"),
    );
    expect(message.emailHtml).not.toContain("href");
  });
});
