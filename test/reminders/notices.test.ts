import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { findAppointment } from "../../src/appointments/queries";
import { callJson, withSettings } from "../support/api";
import { isoInMinutes } from "../support/fixtures";
import { useOutboundStandIn } from "../support/outbound";
import { isoOf } from "../support/time";
import {
  appointmentAt,
  decodeBase64Utf8,
  deliver,
  freshStart,
  HOUR,
  ledgerLines,
  ledgerRows,
  parties,
  providerStandIns,
  runCron,
  useEmptyLedger,
} from "./support";

const outbound = useOutboundStandIn();
const { twilio, postmark } = providerStandIns(outbound);
useEmptyLedger();

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Delivers the appointment's pending rows of one kind, as the queue would. */
async function deliverPending(appointmentId: number, kind: string) {
  const ids = (await ledgerRows(appointmentId)).filter((row) => row.kind === kind && row.status === "pending").map((row) => row.id);
  await deliver(ids, { now: nowSeconds() });
  return ids;
}

/** The calendar invite attached to the email sent to `to`, decoded. */
function inviteSentTo(to: string, nth = 0) {
  const attachments = postmark.requests.filter((r) => r.body.To === to)[nth]?.body.Attachments as {
    Name: string;
    Content: string;
    ContentType: string;
  }[];
  return { ...attachments[0]!, text: decodeBase64Utf8(attachments[0]!.Content) };
}

describe("booking, reschedule and cancellation notices", () => {
  it("confirms a booking to both parties right away, with a calendar invite by email", async () => {
    const who = await parties({ patient: { timezone: "America/New_York" } });
    const startsAt = freshStart();
    const { status, body } = await callJson("/api/appointments/", {
      method: "POST",
      as: who.psychologist,
      body: {
        patient_id: who.patient.id,
        appointment_date: isoOf(startsAt),
        duration_minutes: 50,
        session_type: "telehealth",
        service_name: "Intake",
      },
    });
    expect(status).toBe(201);
    const appointment = (await findAppointment(env.DB, body.id))!;
    expect(await ledgerLines(appointment)).toEqual([
      "booked psychologist whatsapp pending",
      "booked psychologist email pending",
      "booked patient whatsapp pending",
      "booked patient email pending",
    ]);
    // Queued after the response (waitUntil); the cron would queue them otherwise.
    await vi.waitFor(async () => expect((await ledgerRows(appointment.id)).every((row) => row.queued_at > 0)).toBe(true));

    await deliverPending(appointment.id, "booked");
    expect(twilio.requests.find((r) => r.form.To === "whatsapp:+15550000201")!.form.Body).toContain(
      "Appointment Confirmed\n\nHi Jane Doe, your appointment is booked:",
    );
    const invite = inviteSentTo(who.patient.email);
    expect(invite).toMatchObject({ Name: "invite.ics", ContentType: "text/calendar; charset=utf-8; method=REQUEST" });
    expect(invite.text).toContain("METHOD:REQUEST\r\n");
    expect(invite.text).toContain(`UID:appointment-${appointment.id}@video-edge.example.com\r\nSEQUENCE:0\r\n`);
    expect(invite.text).toContain(`DTSTART:${isoOf(startsAt).replace(/[-:]/g, "")}\r\n`);
    expect(invite.text).toContain("SUMMARY:Intake with Dr. Alan Smith\r\n");
    expect((await ledgerRows(appointment.id)).map((row) => row.status)).toEqual(["sent", "sent", "sent", "sent"]);
  });

  it("records the reminders a late booking is too late for", async () => {
    const who = await parties();
    const { body } = await callJson("/api/appointments/", {
      method: "POST",
      as: who.patient,
      body: { psychologist_id: who.psychologist.id, appointment_date: isoInMinutes(30), duration_minutes: 50, session_type: "telehealth" },
    });
    const lines = await ledgerLines((await findAppointment(env.DB, body.id))!);
    expect(lines.filter((line) => line.includes("patient email"))).toEqual([
      "reminder 1440 patient email skipped superseded_by_later_reminder",
      "reminder 60 patient email skipped grace_window_passed",
      "booked patient email pending",
    ]);
  });

  it("on a reschedule skips the old reminders, sends the new time with the next invite revision, and plans the new reminders", async () => {
    const who = await parties();
    const startsAt = freshStart();
    const appointment = await appointmentAt(startsAt, who);
    await runCron(startsAt - 24 * HOUR);
    const newStart = startsAt + 3 * HOUR;
    const { status } = await callJson(`/api/appointments/${appointment.id}/`, {
      method: "PATCH",
      as: who.patient,
      body: { appointment_date: isoOf(newStart) },
    });
    expect(status).toBe(200);

    const lines = await ledgerLines(appointment);
    expect(lines.filter((line) => line.includes("patient email"))).toEqual([
      "reminder 1440 patient email skipped appointment_moved",
      "rescheduled patient email pending",
    ]);
    await deliverPending(appointment.id, "rescheduled");
    const email = postmark.requests.find((r) => r.body.To === who.patient.email)!.body;
    expect(email.TextBody).toContain("your appointment has a new time:\nWas: Monday, ");
    expect(email.TextBody).toMatch(/Was: \w+, \w+ \d+ at 3:00 PM\nNow: \w+, \w+ \d+ at 6:00 PM/);
    expect(inviteSentTo(who.patient.email).text).toContain("SEQUENCE:1\r\n");

    // The new start's reminders come from the cron as usual.
    expect(await runCron(newStart - 24 * HOUR)).toHaveLength(4);
  });

  it("plans a session moved away and back again afresh", async () => {
    const who = await parties();
    const startsAt = freshStart();
    const appointment = await appointmentAt(startsAt, who);
    const now = startsAt - 22 * HOUR;
    await runCron(now);
    for (const date of [startsAt + HOUR, startsAt]) {
      await callJson(`/api/appointments/${appointment.id}/`, {
        method: "PATCH",
        as: who.psychologist,
        body: { appointment_date: isoOf(date) },
      });
    }
    // The 24-hour reminders again, and the latest reschedule notices (the first ones were superseded).
    expect(await runCron(now + 60)).toHaveLength(4 + 4);
    expect((await ledgerLines(appointment)).filter((line) => line.startsWith("reminder") && line.includes("patient email"))).toEqual([
      "reminder 1440 patient email skipped appointment_moved",
      "reminder 1440 patient email pending",
    ]);
  });

  it("on a cancellation skips what was still to send and sends a CANCEL invite", async () => {
    const who = await parties();
    const startsAt = freshStart();
    const { body } = await callJson("/api/appointments/", {
      method: "POST",
      as: who.psychologist,
      body: { patient_id: who.patient.id, appointment_date: isoOf(startsAt), duration_minutes: 50, session_type: "telehealth" },
    });
    await callJson(`/api/appointments/${body.id}/`, {
      method: "PATCH",
      as: who.psychologist,
      body: { appointment_date: isoOf(startsAt + HOUR) },
    });
    await callJson(`/api/appointments/${body.id}/`, { method: "PATCH", as: who.patient, body: { status: "cancelled" } });
    const appointment = (await findAppointment(env.DB, body.id))!;
    expect((await ledgerLines(appointment)).filter((line) => line.includes("patient email"))).toEqual([
      "booked patient email skipped appointment_moved",
      "rescheduled patient email skipped appointment_cancelled",
      "cancelled patient email pending",
    ]);
    await deliverPending(appointment.id, "cancelled");
    const email = postmark.requests.find((r) => r.body.To === who.patient.email)!.body;
    expect(email.Subject).toMatch(/^Appointment Cancelled: /);
    const invite = inviteSentTo(who.patient.email);
    expect(invite.Name).toBe("cancel.ics");
    expect(invite.text).toContain("METHOD:CANCEL\r\n");
    expect(invite.text).toContain("SEQUENCE:2\r\n");
    expect(invite.text).toContain("STATUS:CANCELLED\r\n");
    // Nothing more for a cancelled session.
    expect(await runCron(startsAt + HOUR - 24 * HOUR)).toEqual([]);
  });

  it("writes a change's notices with it and queues them after the response", async () => {
    const who = await parties({ patient: { whatsapp_opt_in: false } });
    const appointment = await appointmentAt(freshStart(), who);
    // withSettings runs the Worker with an execution context of its own, and waits for what it left running.
    const { status } = await withSettings({}, () =>
      callJson(`/api/appointments/${appointment.id}/`, { method: "PATCH", as: who.patient, body: { status: "cancelled" } }),
    );
    expect(status).toBe(200);
    const rows = await ledgerRows(appointment.id);
    expect(rows.map((row) => [row.status, row.queued_at > 0])).toEqual([
      ["pending", true],
      ["pending", true],
      ["skipped", false],
      ["pending", true],
    ]);
  });

  it("sends nothing about in-person sessions", async () => {
    const who = await parties();
    const { body } = await callJson("/api/appointments/", {
      method: "POST",
      as: who.psychologist,
      body: { patient_id: who.patient.id, appointment_date: isoOf(freshStart()), duration_minutes: 50, session_type: "in_person" },
    });
    expect(await ledgerRows(body.id)).toEqual([]);
  });
});
