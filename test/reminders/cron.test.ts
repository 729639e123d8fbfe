import { createScheduledController, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { LEASE_SECONDS, REQUEUE_AFTER_SECONDS } from "../../src/reminders/ledger-claims";
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
  providerStandIns,
  runCron,
  useEmptyLedger,
} from "./support";

const outbound = useOutboundStandIn();
const { twilio, postmark } = providerStandIns(outbound);
useEmptyLedger();

/** The cron at `now`, then the consumer on whatever it queued. */
async function cronAndDeliver(now: number) {
  const queued = await runCron(now);
  if (queued.length > 0) await deliver(queued, { now });
  return queued;
}

describe("the reminder cron", () => {
  it("sends each offset once, to both parties on both channels", async () => {
    const startsAt = freshStart();
    const appointment = await appointmentAt(startsAt, await parties());

    // Every minute across the whole day before the session would be 1,440 runs; the minutes around each offset tell the story.
    const minutes = [
      -24 * HOUR - MINUTE,
      -24 * HOUR,
      -24 * HOUR + MINUTE,
      -23 * HOUR,
      -HOUR - MINUTE,
      -HOUR,
      -HOUR + MINUTE,
      -15 * MINUTE,
      -14 * MINUTE,
      -MINUTE,
      0,
      MINUTE,
    ];
    const queuedPerRun = [];
    for (const offset of minutes) queuedPerRun.push((await cronAndDeliver(startsAt + offset)).length);

    expect(queuedPerRun).toEqual([0, 4, 0, 0, 0, 4, 0, 4, 0, 0, 0, 0]);
    expect(twilio.requests.map((r) => r.form.To).sort()).toEqual([
      ...Array(3).fill("whatsapp:+15550000101"),
      ...Array(3).fill("whatsapp:+15550000201"),
    ]);
    expect(postmark.requests).toHaveLength(6);
    expect(await ledgerLines(appointment)).toEqual(
      [1440, 60, 15].flatMap((offset) => [
        `reminder ${offset} psychologist whatsapp sent`,
        `reminder ${offset} psychologist email sent`,
        `reminder ${offset} patient whatsapp sent`,
        `reminder ${offset} patient email sent`,
      ]),
    );
  });

  it("queues each row once when cron runs overlap", async () => {
    const startsAt = freshStart();
    await appointmentAt(startsAt, await parties());
    await appointmentAt(startsAt - 5 * MINUTE, await parties());
    const runs = await Promise.all([runCron(startsAt - HOUR), runCron(startsAt - HOUR), runCron(startsAt - HOUR + 30)]);
    const queued = runs.flat();
    expect(queued).toHaveLength(8);
    expect(new Set(queued).size).toBe(8);
  });

  it.each([
    { firstRun: "22 hours before", before: 22 * HOUR, lines: ["reminder 1440 * pending"] },
    { firstRun: "20 hours before", before: 20 * HOUR, lines: ["reminder 1440 * skipped grace_window_passed"] },
    {
      firstRun: "50 minutes before",
      before: 50 * MINUTE,
      lines: ["reminder 1440 * skipped superseded_by_later_reminder", "reminder 60 * pending"],
    },
    {
      firstRun: "35 minutes before",
      before: 35 * MINUTE,
      lines: ["reminder 1440 * skipped superseded_by_later_reminder", "reminder 60 * skipped grace_window_passed"],
    },
    {
      firstRun: "12 minutes before",
      before: 12 * MINUTE,
      lines: [
        "reminder 1440 * skipped superseded_by_later_reminder",
        "reminder 60 * skipped superseded_by_later_reminder",
        "reminder 15 * pending",
      ],
    },
    {
      firstRun: "3 minutes before",
      before: 3 * MINUTE,
      lines: [
        "reminder 1440 * skipped superseded_by_later_reminder",
        "reminder 60 * skipped superseded_by_later_reminder",
        "reminder 15 * skipped grace_window_passed",
      ],
    },
  ])("catches up after downtime ending $firstRun: only the latest reminder, inside its grace window", async ({ before, lines }) => {
    const startsAt = freshStart();
    const appointment = await appointmentAt(startsAt, await parties());
    const queued = await runCron(startsAt - before);
    const rows = await ledgerLines(appointment);
    // The same decision for both parties on both channels.
    expect(rows).toHaveLength(lines.length * 4);
    expect(new Set(rows.map((line) => line.replace(/ (psychologist|patient) (whatsapp|email)/, " *")))).toEqual(new Set(lines));
    expect(queued).toHaveLength(lines.filter((line) => line.endsWith("pending")).length * 4);
  });

  it("records opt-outs and missing contact data as skips, and sends the rest", async () => {
    const startsAt = freshStart();
    const noWhatsApp = await appointmentAt(startsAt, await parties({ patient: { whatsapp_opt_in: false } }));
    const noPhone = await appointmentAt(startsAt + MINUTE, await parties({ patient: { phone: null } }));
    const noEmail = await appointmentAt(
      startsAt + 2 * MINUTE,
      await parties({ patient: { email_opt_in: false }, psychologist: { is_active: false } }),
    );
    const queued = await runCron(startsAt - HOUR + 2 * MINUTE);

    expect((await ledgerLines(noWhatsApp)).filter((line) => line.startsWith("reminder 60 patient"))).toEqual([
      "reminder 60 patient whatsapp skipped whatsapp_not_opted_in",
      "reminder 60 patient email pending",
    ]);
    expect((await ledgerLines(noPhone)).filter((line) => line.startsWith("reminder 60 patient"))).toEqual([
      "reminder 60 patient whatsapp skipped no_phone_number",
      "reminder 60 patient email pending",
    ]);
    expect((await ledgerLines(noEmail)).filter((line) => line.startsWith("reminder 60"))).toEqual([
      "reminder 60 psychologist whatsapp skipped recipient_inactive",
      "reminder 60 psychologist email skipped recipient_inactive",
      "reminder 60 patient whatsapp pending",
      "reminder 60 patient email skipped email_not_opted_in",
    ]);
    // Only pending rows are queued.
    expect(queued).toHaveLength(3 + 3 + 1);
  });

  it("writes nothing for cancelled, completed, ongoing or in-person sessions", async () => {
    const startsAt = freshStart();
    const appointments = await Promise.all([
      appointmentAt(startsAt, await parties(), { status: "cancelled" }),
      appointmentAt(startsAt, await parties(), { status: "completed" }),
      appointmentAt(startsAt, await parties(), { status: "ongoing" }),
      appointmentAt(startsAt, await parties(), { sessionType: "in_person" }),
    ]);
    expect(await runCron(startsAt - 15 * MINUTE)).toEqual([]);
    for (const appointment of appointments) expect(await ledgerRows(appointment.id)).toEqual([]);
  });

  it("queues again rows lost on the way and rows a crashed consumer left behind", async () => {
    const startsAt = freshStart();
    const appointment = await appointmentAt(startsAt, await parties());
    const now = startsAt - HOUR;
    const [crashed, busy, ...lost] = await runCron(now);
    // A minute later nothing is queued again: the rows are on the queue.
    expect(await runCron(now + MINUTE)).toEqual([]);

    await env.DB.batch([
      env.DB.prepare("UPDATE reminders SET status = 'sending', lease_until = ? WHERE id = ?").bind(now + 5 * MINUTE, crashed),
      env.DB.prepare("UPDATE reminders SET status = 'sending', lease_until = ? WHERE id = ?").bind(now + 30 * MINUTE, busy),
    ]);
    const later = now + REQUEUE_AFTER_SECONDS;
    expect((await runCron(later)).sort()).toEqual([crashed!, ...lost].sort());
    const hourRows = (await ledgerRows(appointment.id)).filter((row) => row.offset_minutes === 60);
    expect(hourRows.map((row) => [row.status, row.queued_at, row.last_error])).toEqual([
      ["pending", later, "lease_expired"],
      ["sending", now, null],
      ["pending", later, null],
      ["pending", later, null],
    ]);
  });

  it("sweeper: a claim whose lease ran out is pending again by the next cron run, attempt kept, and is sent once", async () => {
    const startsAt = freshStart();
    const appointment = await appointmentAt(startsAt, await parties({ psychologist: { whatsapp_opt_in: false, email_opt_in: false } }));
    const now = startsAt - HOUR;
    const queued = await runCron(now);
    // The consumer claims the rows, then dies before it sends or records anything (isolate evicted).
    await env.DB.prepare(
      "UPDATE reminders SET status = 'sending', attempts = attempts + 1, lease_until = ? WHERE id IN (SELECT value FROM json_each(?))",
    )
      .bind(now + LEASE_SECONDS, JSON.stringify(queued))
      .run();
    const cron = (at: number) => worker.scheduled(createScheduledController({ scheduledTime: at * 1000, cron: "* * * * *" }), env);
    const open = async () =>
      (await ledgerRows(appointment.id))
        .filter((row) => queued.includes(row.id))
        .map((row) => [row.status, row.attempts, row.last_error, row.queued_at]);

    // While the lease runs the claim is the consumer's.
    await cron(now + LEASE_SECONDS - 1);
    expect(await open()).toEqual(Array(2).fill(["sending", 1, null, now]));
    // The first cron run after it: back to pending, the used attempt counted, and queued again.
    await cron(now + LEASE_SECONDS);
    expect(await open()).toEqual(Array(2).fill(["pending", 1, "lease_expired", now + LEASE_SECONDS]));

    // The queue's own redelivery of the dead consumer's messages and the sweeper's fresh ones both arrive: sent once.
    await deliver([...queued, ...queued], { now: now + LEASE_SECONDS + 1, attempts: 2 });
    expect(twilio.requests.length + postmark.requests.length).toBe(2);
    expect((await ledgerRows(appointment.id)).filter((row) => queued.includes(row.id)).map((row) => [row.status, row.attempts])).toEqual(
      Array(2).fill(["sent", 2]),
    );
  });

  it("runs from the Worker's scheduled handler at the controller's time", async () => {
    const startsAt = freshStart();
    const appointment = await appointmentAt(startsAt, await parties());
    const scheduledTime = (startsAt - 15 * MINUTE) * 1000;
    await worker.scheduled(createScheduledController({ scheduledTime, cron: "* * * * *" }), env);
    const rows = await ledgerRows(appointment.id);
    expect(rows.filter((row) => row.offset_minutes === 15).map((row) => [row.status, row.queued_at])).toEqual(
      Array(4).fill(["pending", scheduledTime / 1000]),
    );
  });
});
