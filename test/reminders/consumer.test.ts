import { env } from "cloudflare:test";
import { HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { REMINDERS_DEAD_LETTER_QUEUE } from "../../src/reminders/consumer";
import { LEASE_SECONDS } from "../../src/reminders/ledger-claims";
import { recordOutcome } from "../../src/reminders/ledger-outcomes";
import { renderReminder } from "../../src/reminders/render";
import { useOutboundStandIn } from "../support/outbound";
import {
  appointmentAt,
  deliver,
  freshStart,
  HOUR,
  ledgerLines,
  ledgerRows,
  MINUTE,
  parties,
  personalMeetingUrlOf,
  providerStandIns,
  runCron,
  useEmptyLedger,
} from "./support";

const outbound = useOutboundStandIn();
const { twilio, postmark } = providerStandIns(outbound);
useEmptyLedger();

/** An appointment whose one-hour reminders were just queued; returns their ids, WhatsApp and email. */
async function hourRemindersQueued(partyOverrides: Parameters<typeof parties>[0] = {}) {
  const startsAt = freshStart();
  const who = await parties(partyOverrides);
  const appointment = await appointmentAt(startsAt, who);
  const now = startsAt - HOUR;
  const queued = await runCron(now);
  return { appointment, who, now, queued };
}

describe("the reminder consumer", () => {
  it("sends WhatsApp through Twilio's Messages API and email through Postmark, exactly as documented", async () => {
    const { appointment, now, queued } = await hourRemindersQueued();
    const result = await deliver(queued, { now });
    expect(result.explicitAcks).toHaveLength(4);
    expect(result.retryMessages).toEqual([]);

    const patientText = renderReminder({
      kind: 60,
      now,
      recipient: { name: "Jane Doe", role: "patient", timezone: "UTC" },
      otherParty: { name: "Alan Smith", role: "psychologist" },
      startsAt: appointment.starts_at,
      durationMinutes: 50,
      meetingUrl: await personalMeetingUrlOf(appointment, appointment.patient_id),
      serviceName: "Individual Therapy",
    });
    const toPatient = twilio.requests.find((r) => r.form.To === "whatsapp:+15550000201")!;
    expect(toPatient).toEqual({
      path: "/2010-04-01/Accounts/AC00000000000000000000000000000001/Messages.json",
      authorization: `Basic ${btoa("SK00000000000000000000000000000002:test-twilio-api-key-secret")}`,
      contentType: "application/x-www-form-urlencoded",
      form: {
        To: "whatsapp:+15550000201",
        From: "whatsapp:+15550001111",
        Body: patientText.whatsappText,
        StatusCallback: "https://video-edge.example.com/api/webhooks/twilio/messages",
      },
    });
    expect(patientText.whatsappText).toContain(
      "Starting in 1 Hour\n\nHi Jane Doe, your appointment with Dr. Alan Smith starts at 3:00 PM.",
    );

    const emailToPatient = postmark.requests.find((r) => r.body.To === `patient${appointment.patient_id}@example.com`)!;
    expect(emailToPatient).toEqual({
      token: "test-email-api-key",
      contentType: "application/json",
      accept: "application/json",
      body: {
        From: "Practice <no-reply@practice.example.com>",
        To: `patient${appointment.patient_id}@example.com`,
        Subject: patientText.emailSubject,
        HtmlBody: patientText.emailHtml,
        TextBody: patientText.emailText,
        MessageStream: "outbound",
      },
    });

    const rows = await ledgerRows(appointment.id);
    expect(
      rows
        .filter((row) => row.offset_minutes === 60)
        .map((row) => [row.status, row.attempts, row.sent_at, row.provider_message_id?.slice(0, 2)]),
    ).toEqual([
      ["sent", 1, now, "SM"],
      ["sent", 1, now, "pm"],
      ["sent", 1, now, "SM"],
      ["sent", 1, now, "pm"],
    ]);
  });

  it("counts down from the real lead time when a reminder goes out late", async () => {
    const startsAt = freshStart();
    const appointment = await appointmentAt(startsAt, await parties());
    // The cron was down until 10 minutes before: the 15-minute reminder still goes, truthfully worded.
    const now = startsAt - 10 * MINUTE + 20;
    await deliver(await runCron(now), { now });
    expect(twilio.requests.map((r) => r.form.Body?.split("\n")[0])).toEqual(["Starting in 10 Minutes!", "Starting in 10 Minutes!"]);
    expect(postmark.requests.map((r) => r.body.Subject).sort()).toEqual([
      "Starting in 10 Minutes: your appointment with Dr. Alan Smith",
      "Starting in 10 Minutes: your appointment with Jane Doe",
    ]);
    expect((await ledgerRows(appointment.id)).filter((row) => row.status === "sent").map((row) => row.offset_minutes)).toEqual([
      15, 15, 15, 15,
    ]);
  });

  it("sends the approved content template with numbered variables when one is configured", async () => {
    const { appointment, now, queued } = await hourRemindersQueued({ patient: { timezone: "Europe/Berlin" } });
    await deliver(queued, { now, overrides: { TWILIO_WHATSAPP_CONTENT_SID_1H: "HX0000000000000000000000000000001h" } });
    const toPatient = twilio.requests.find((r) => r.form.To === "whatsapp:+15550000201")!;
    expect(toPatient.form).toEqual({
      To: "whatsapp:+15550000201",
      From: "whatsapp:+15550001111",
      ContentSid: "HX0000000000000000000000000000001h",
      ContentVariables: JSON.stringify({
        "1": "Jane Doe",
        "2": "Dr. Alan Smith",
        "3": localWhen(appointment.starts_at, "Europe/Berlin"),
        "4": await personalMeetingUrlOf(appointment, appointment.patient_id),
      }),
      StatusCallback: "https://video-edge.example.com/api/webhooks/twilio/messages",
    });
  });

  it("sends a row once however often its message is delivered", async () => {
    const { appointment, now, queued } = await hourRemindersQueued();
    // Twice in one batch, in two batches at once, and once more after they were sent.
    await Promise.all([deliver([...queued, ...queued], { now }), deliver(queued, { now })]);
    const again = await deliver(queued, { now: now + MINUTE });
    expect(twilio.requests).toHaveLength(2);
    expect(postmark.requests).toHaveLength(2);
    expect(again.explicitAcks).toHaveLength(4);
    expect((await ledgerRows(appointment.id)).filter((row) => row.status === "sent").map((row) => row.attempts)).toEqual([1, 1, 1, 1]);
  });

  it("re-checks the appointment before sending: cancelled or moved since queueing is skipped", async () => {
    const cancelled = await hourRemindersQueued();
    await env.DB.prepare("UPDATE appointments SET status = 'cancelled' WHERE id = ?").bind(cancelled.appointment.id).run();
    expect((await deliver(cancelled.queued, { now: cancelled.now })).explicitAcks).toHaveLength(4);
    const moved = await hourRemindersQueued();
    await env.DB.prepare("UPDATE appointments SET starts_at = starts_at + 7200 WHERE id = ?").bind(moved.appointment.id).run();
    expect((await deliver(moved.queued, { now: moved.now })).explicitAcks).toHaveLength(4);

    expect(twilio.requests).toEqual([]);
    expect(postmark.requests).toEqual([]);
    expect((await ledgerLines(cancelled.appointment)).filter((line) => line.startsWith("reminder 60"))).toEqual(
      ["psychologist whatsapp", "psychologist email", "patient whatsapp", "patient email"].map(
        (who) => `reminder 60 ${who} skipped appointment_cancelled`,
      ),
    );
    expect(
      new Set((await ledgerRows(moved.appointment.id)).filter((row) => row.offset_minutes === 60).map((row) => row.skip_reason)),
    ).toEqual(new Set(["appointment_moved"]));
  });

  it("skips a reminder that waited in the queue past its grace window, and an opt-out made meanwhile", async () => {
    const { appointment, who, now, queued } = await hourRemindersQueued();
    await env.DB.prepare("UPDATE users SET email_opt_in = 0 WHERE id = ?").bind(who.patient.id).run();
    await deliver(queued, { now: now + 20 * MINUTE });
    expect((await ledgerLines(appointment)).filter((line) => line.startsWith("reminder 60"))).toEqual([
      "reminder 60 psychologist whatsapp skipped grace_window_passed",
      "reminder 60 psychologist email skipped grace_window_passed",
      "reminder 60 patient whatsapp skipped grace_window_passed",
      "reminder 60 patient email skipped grace_window_passed",
    ]);
    const late = await hourRemindersQueued();
    await env.DB.prepare("UPDATE users SET email_opt_in = 0 WHERE id = ?").bind(late.who.patient.id).run();
    await deliver(late.queued, { now: late.now + MINUTE });
    expect((await ledgerLines(late.appointment)).filter((line) => line.startsWith("reminder 60 patient"))).toEqual([
      "reminder 60 patient whatsapp sent",
      "reminder 60 patient email skipped email_not_opted_in",
    ]);
  });

  it("retries a 5xx with backoff, then sends", async () => {
    const { appointment, now, queued } = await hourRemindersQueued({ psychologist: { whatsapp_opt_in: false, email_opt_in: false } });
    twilio.fail(() => HttpResponse.json({ code: 20500, message: "Internal error for +15550000201" }, { status: 503 }));
    postmark.fail(() => HttpResponse.error());

    const first = await deliver(queued, { now });
    expect(first.retryDelays).toEqual([15, 15]);
    const waiting = (await ledgerRows(appointment.id)).filter((row) => row.offset_minutes === 60 && row.status === "pending");
    expect(waiting.map((row) => [row.channel, row.attempts, row.last_error, row.queued_at])).toEqual([
      ["whatsapp", 1, "twilio 503 code 20500", now + 15],
      ["email", 1, "postmark network_error", now + 15],
    ]);

    const second = await deliver(
      waiting.map((row) => row.id),
      { now: now + 15, attempts: 2 },
    );
    expect(second.explicitAcks).toHaveLength(2);
    expect(twilio.requests).toHaveLength(2);
    expect(
      (await ledgerRows(appointment.id))
        .filter((row) => row.offset_minutes === 60)
        .map((row) => [row.status, row.attempts, row.last_error]),
    ).toEqual([
      ["skipped", 0, null],
      ["skipped", 0, null],
      ["sent", 2, null],
      ["sent", 2, null],
    ]);
  });

  it("does not retry what sending again cannot fix, and records the provider's code", async () => {
    const { appointment, now, queued } = await hourRemindersQueued({ psychologist: { whatsapp_opt_in: false, email_opt_in: false } });
    twilio.fail(() => HttpResponse.json({ code: 21211, message: "Invalid 'To' Phone Number: +15550000201" }, { status: 400 }));
    postmark.fail(() =>
      HttpResponse.json(
        { ErrorCode: 406, Message: "You tried to send to recipient(s) that have been marked as inactive." },
        { status: 422 },
      ),
    );
    const result = await deliver(queued, { now });
    expect(result.retryMessages).toEqual([]);
    const failed = (await ledgerRows(appointment.id)).filter((row) => row.status === "failed");
    expect(failed.map((row) => row.last_error)).toEqual(["twilio 400 code 21211", "postmark 422 code 406"]);
  });

  it("after the last retry, the dead-letter queue marks the row failed", async () => {
    const { appointment, now, queued } = await hourRemindersQueued({
      psychologist: { whatsapp_opt_in: false, email_opt_in: false },
      patient: { email_opt_in: false },
    });
    twilio.fail(() => new HttpResponse("upstream down", { status: 502 }));
    // The sixth delivery is the last of wrangler.toml's max_retries = 5; its retry dead-letters it.
    const last = await deliver(queued, { now, attempts: 6 });
    expect(last.retryDelays).toEqual([300]);
    const dead = await deliver(queued, { now: now + 300, queue: REMINDERS_DEAD_LETTER_QUEUE });
    expect(dead.ackAll).toBe(true);
    expect((await ledgerRows(appointment.id)).filter((row) => row.status === "failed").map((row) => row.last_error)).toEqual([
      "retries_exhausted: twilio 502",
    ]);
  });

  it("a dead letter does not fail a row another consumer is sending under a live lease: that send's outcome is recorded", async () => {
    const { appointment, now, queued } = await hourRemindersQueued({
      psychologist: { whatsapp_opt_in: false, email_opt_in: false },
      patient: { email_opt_in: false },
    });
    const [id] = queued;
    // A redelivered copy is mid-send when the original's message runs out of retries.
    await env.DB.prepare("UPDATE reminders SET status = 'sending', lease_until = ? WHERE id = ?")
      .bind(now + LEASE_SECONDS, id)
      .run();
    await deliver(queued, { now, queue: REMINDERS_DEAD_LETTER_QUEUE });
    await recordOutcome(env.DB, id!, { status: "sent", providerMessageId: "SM-live-claim" }, now + 5);
    expect((await ledgerRows(appointment.id)).find((row) => row.id === id)).toMatchObject({
      status: "sent",
      provider_message_id: "SM-live-claim",
    });
  });

  it("leaves a row another consumer is sending alone until its lease runs out, then takes it over", async () => {
    const { appointment, now, queued } = await hourRemindersQueued({
      psychologist: { whatsapp_opt_in: false, email_opt_in: false },
      patient: { email_opt_in: false },
    });
    const [id] = queued;
    await env.DB.prepare("UPDATE reminders SET status = 'sending', lease_until = ? WHERE id = ?")
      .bind(now + LEASE_SECONDS, id)
      .run();
    const whileHeld = await deliver(queued, { now });
    expect(whileHeld.retryDelays).toEqual([LEASE_SECONDS + 1]);
    expect(twilio.requests).toEqual([]);
    // The claimant crashed: once the lease is over, the redelivered message sends it.
    await deliver(queued, { now: now + LEASE_SECONDS, attempts: 2 });
    expect(twilio.requests).toHaveLength(1);
    expect((await ledgerRows(appointment.id)).find((row) => row.id === id)?.status).toBe("sent");
  });

  it("writes the times of a DST-change week in each recipient's own zone", async () => {
    // Sunday, November 1, 2026, 10:00 in New York: clocks went back from EDT to EST at 2:00 that morning.
    const startsAt = Date.parse("2026-11-01T15:00:00Z") / 1000;
    const who = await parties({ patient: { timezone: "America/New_York" }, psychologist: { timezone: "Europe/London" } });
    const appointment = await appointmentAt(startsAt, who);
    const now = startsAt - 24 * HOUR;
    await deliver(await runCron(now), { now });

    const patientEmail = postmark.requests.find((r) => r.body.To === who.patient.email)!.body;
    expect(patientEmail.Subject).toBe("Reminder: your appointment with Dr. Alan Smith is tomorrow at 10:00 AM");
    expect(patientEmail.TextBody).toContain("When: Sunday, November 1 at 10:00 AM");
    expect(patientEmail.TextBody).toContain("Times are shown in your time zone (America/New_York).");
    const psychologistWhatsApp = twilio.requests.find((r) => r.form.To === "whatsapp:+15550000101")!.form.Body;
    expect(psychologistWhatsApp).toContain(
      "Hi Alan Smith, your appointment is tomorrow:\nWhen: Sunday, November 1 at 3:00 PM\nWith: Jane Doe",
    );
    expect(psychologistWhatsApp).toContain(await personalMeetingUrlOf(appointment, appointment.psychologist_id));
  });
});

function localWhen(epochSeconds: number, timeZone: string): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone,
      weekday: "long",
      month: "long",
      day: "numeric",
      hour: "numeric",
      minute: "2-digit",
      hour12: true,
    })
      .formatToParts(new Date(epochSeconds * 1000))
      .map((part) => [part.type, part.value]),
  );
  return `${p.weekday}, ${p.month} ${p.day} at ${p.hour}:${p.minute} ${p.dayPeriod}`;
}
