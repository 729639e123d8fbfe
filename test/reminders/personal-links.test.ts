import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { findAppointment } from "../../src/appointments/queries";
import { callJson } from "../support/api";
import { useOutboundStandIn } from "../support/outbound";
import { isoOf } from "../support/time";
import { decodeBase64Utf8, deliver, freshStart, HOUR, ledgerRows, parties, personalMeetingUrlOf, runCron, useEmptyLedger } from "./support";

// No handlers: with the providers unconfigured and LOCAL_OUTBOX on, every message lands in the local outbox.
useOutboundStandIn();
useEmptyLedger();

const admin = { id: 1, email: "admin@example.com", role: "admin" as const };
const toOutbox = { TWILIO_ACCOUNT_SID: "", EMAIL_API_KEY: "", LOCAL_OUTBOX: "true" };
const nowSeconds = () => Math.floor(Date.now() / 1000);
/** RFC 5545 §3.1 unfolding: a CRLF followed by one space or tab is removed. */
const unfold = (ics: string) => ics.replace(/\r\n[ \t]/g, "");
const links = (text: string) => [...text.matchAll(/https:\/\/practice\.example\.com\/video-session\/[^\s"'<>\\]+/g)].map((m) => m[0]);

type OutboxEntry = { reminder_id: number; channel: string; to: string; body: string; payload: any };

/** Delivers the appointment's pending rows of `kind` into the outbox; returns their outbox entries. */
async function outboxFor(appointmentId: number, kind: string, now = nowSeconds()): Promise<OutboxEntry[]> {
  const ids = (await ledgerRows(appointmentId)).filter((row) => row.kind === kind && row.status === "pending").map((row) => row.id);
  await deliver(ids, { now, overrides: toOutbox });
  const { body } = await callJson("/api/admin/outbox?page_size=200", { as: admin });
  return (body.results as OutboxEntry[]).filter((entry) => ids.includes(entry.reminder_id));
}

/** Every link an entry carries: its text, its HTML, and its calendar invite. */
function linksIn(entry: OutboxEntry): string[] {
  const invite = entry.payload.Attachments?.[0]?.Content as string | undefined;
  return [entry.body, entry.payload.HtmlBody ?? "", invite ? unfold(decodeBase64Utf8(invite)) : ""].flatMap(links);
}

/** What the page does with a link: redeem its key for the room it names, then read the session. */
async function open(link: string) {
  const url = new URL(link);
  const room = decodeURIComponent(url.pathname.split("/")[2]!);
  const redeemed = await callJson(`/api/video-sessions/${room}/redeem/`, { method: "POST", body: { key: url.hash.slice(3) } });
  if (redeemed.status !== 200) return redeemed;
  return callJson(`/api/video-sessions/${room}/`, { token: redeemed.body.token });
}

async function book(who: Awaited<ReturnType<typeof parties>>, startsAt: number) {
  const { status, body } = await callJson("/api/appointments/", {
    method: "POST",
    as: who.psychologist,
    body: { patient_id: who.patient.id, appointment_date: isoOf(startsAt), duration_minutes: 50, session_type: "telehealth" },
  });
  expect(status).toBe(201);
  // The API's own meeting link is the shareable one: it carries nobody's key.
  expect(body.meeting_url).toBe(`https://practice.example.com/video-session/${body.video_room_id ?? body.room_name}`);
  return (await findAppointment(env.DB, body.id))!;
}

describe("personal links in reminders and notices", () => {
  it("gives each recipient, on every channel and in the invite, a link that opens the session as them", async () => {
    const who = await parties();
    const appointment = await book(who, freshStart());
    const entries = await outboxFor(appointment.id, "booked");
    expect(entries.map((entry) => entry.channel).sort()).toEqual(["email", "email", "whatsapp", "whatsapp"]);
    for (const entry of entries) {
      const recipient = [who.psychologist, who.patient].find((party) => [party.email, party.phone].includes(entry.to))!;
      const personal = await personalMeetingUrlOf(appointment, recipient.id);
      const found = linksIn(entry);
      expect(found.length).toBeGreaterThanOrEqual(entry.channel === "email" ? 4 : 1);
      expect(new Set(found)).toEqual(new Set([personal]));
      const session = await open(personal);
      expect(session.status).toBe(200);
      expect(session.body.you).toEqual({ id: recipient.id, name: recipient.name, role: recipient.role });
    }
  });

  it("gives a moved session's new messages new keys, and the old ones stop opening it", async () => {
    const who = await parties();
    const startsAt = freshStart();
    const appointment = await book(who, startsAt);
    const [booked] = linksIn((await outboxFor(appointment.id, "booked")).find((entry) => entry.to === who.patient.email)!);
    await callJson(`/api/appointments/${appointment.id}/`, {
      method: "PATCH",
      as: who.patient,
      body: { appointment_date: isoOf(startsAt + HOUR) },
    });
    const moved = (await findAppointment(env.DB, appointment.id))!;
    const rescheduled = (await outboxFor(appointment.id, "rescheduled")).find((entry) => entry.to === who.patient.email)!;
    const personal = await personalMeetingUrlOf(moved, who.patient.id);
    expect(new Set(linksIn(rescheduled))).toEqual(new Set([personal]));
    expect(personal).not.toBe(booked);
    expect(await open(booked!)).toEqual({
      status: 403,
      body: { error: "This session has moved to a new time: use the link in its latest message" },
    });
    expect((await open(personal)).status).toBe(200);
  });

  it("puts the recipient's personal link in each reminder the cron sends", async () => {
    const who = await parties();
    const startsAt = freshStart();
    const appointment = await book(who, startsAt);
    const now = startsAt - HOUR;
    await deliver(await runCron(now), { now, overrides: toOutbox });
    const { body } = await callJson("/api/admin/outbox?page_size=200", { as: admin });
    const ids = (await ledgerRows(appointment.id)).filter((row) => row.kind === "reminder" && row.status === "sent").map((row) => row.id);
    const reminders = (body.results as OutboxEntry[]).filter((entry) => ids.includes(entry.reminder_id));
    expect(reminders).toHaveLength(4);
    for (const entry of reminders) {
      const recipient = [who.psychologist, who.patient].find((party) => [party.email, party.phone].includes(entry.to))!;
      expect(new Set(linksIn(entry))).toEqual(new Set([await personalMeetingUrlOf(appointment, recipient.id)]));
    }
  });

  it("gives a cancellation notice, and its calendar cancel, no link to the session at all", async () => {
    const who = await parties();
    const appointment = await book(who, freshStart());
    await callJson(`/api/appointments/${appointment.id}/`, { method: "PATCH", as: who.patient, body: { status: "cancelled" } });
    const entries = await outboxFor(appointment.id, "cancelled");
    expect(entries).toHaveLength(4);
    for (const entry of entries) {
      expect(linksIn(entry)).toEqual([]);
      expect(JSON.stringify(entry)).not.toContain("#k=");
    }
    const email = entries.find((entry) => entry.to === who.patient.email)!;
    expect(decodeBase64Utf8(email.payload.Attachments[0].Content)).toContain("METHOD:CANCEL\r\n");
  });
});
