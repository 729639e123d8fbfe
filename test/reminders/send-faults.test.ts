import { env } from "cloudflare:test";
import { delay, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { LEASE_SECONDS } from "../../src/reminders/ledger-claims";
import { failD1Writes, flakyD1, INJECTED_FAULT, useD1Faults } from "../support/d1-faults";
import { useOutboundStandIn } from "../support/outbound";
import {
  appointmentAt,
  deliver,
  freshStart,
  HOUR,
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
useD1Faults();

/**
 * An appointment whose one-hour reminders were just queued, to the patient only: by WhatsApp,
 * and by email unless `email` is false. Returns the queued row ids (WhatsApp first).
 */
async function patientRemindersQueued({ email = true } = {}) {
  const startsAt = freshStart();
  const who = await parties({ psychologist: { whatsapp_opt_in: false, email_opt_in: false }, patient: { email_opt_in: email } });
  const appointment = await appointmentAt(startsAt, who);
  const now = startsAt - HOUR;
  const queued = await runCron(now);
  const rows = async () => (await ledgerRows(appointment.id)).filter((row) => queued.includes(row.id));
  return { now, queued, rows };
}

const sends = () => twilio.requests.length + postmark.requests.length;

describe("reminders under provider faults", () => {
  it("Twilio 429 and Postmark 500: back to pending with backoff, then sent exactly once after recovery", async () => {
    const { now, queued, rows } = await patientRemindersQueued();
    twilio.fail(() => HttpResponse.json({ code: 20429, message: "Too Many Requests" }, { status: 429 }));
    postmark.fail(() => new HttpResponse("busy", { status: 500 }));

    const first = await deliver(queued, { now });
    expect(first.retryDelays).toEqual([15, 15]);
    expect((await rows()).map((row) => [row.status, row.attempts, row.last_error, row.queued_at])).toEqual([
      ["pending", 1, "twilio 429 code 20429", now + 15],
      ["pending", 1, "postmark 500", now + 15],
    ]);
    // The cron leaves them to the queue's retry: queueing them again would only make duplicates.
    expect(await runCron(now + MINUTE)).toEqual([]);

    await deliver(queued, { now: now + 15, attempts: 2 });
    // A late duplicate of either message finds the row sent.
    const late = await deliver(queued, { now: now + 30, attempts: 3 });
    expect(late.explicitAcks).toHaveLength(2);
    expect((await rows()).map((row) => [row.status, row.attempts, row.last_error])).toEqual([
      ["sent", 2, null],
      ["sent", 2, null],
    ]);
    expect(sends()).toBe(4);
  });

  it("a provider timeout (no answer within PROVIDER_TIMEOUT_MS) is a network error: retried, then sent once", async () => {
    const { now, queued, rows } = await patientRemindersQueued({ email: false });
    twilio.fail(async () => {
      await delay(2_000);
      return HttpResponse.json({ sid: "SM-too-late", status: "queued" }, { status: 201 });
    });
    const overrides = { PROVIDER_TIMEOUT_MS: "100" };

    const first = await deliver(queued, { now, overrides });
    expect(first.retryDelays).toEqual([15]);
    expect((await rows()).map((row) => [row.status, row.last_error, row.provider_message_id])).toEqual([
      ["pending", "twilio network_error", null],
    ]);

    await deliver(queued, { now: now + 15, attempts: 2, overrides });
    expect((await rows()).map((row) => [row.status, row.attempts, row.provider_message_id])).toEqual([
      ["sent", 2, "SM00000000000000000000000000000002"],
    ]);
    expect(twilio.requests).toHaveLength(2);
  });
});

describe("reminders under D1 faults", () => {
  it("D1 fails as the consumer claims its rows: nothing is sent, the batch fails for the queue to retry, and the retry sends each once", async () => {
    const { now, queued, rows } = await patientRemindersQueued();
    const heal = await failD1Writes("UPDATE", "reminders", "NEW.status = 'sending'");
    await expect(deliver(queued, { now })).rejects.toThrow(INJECTED_FAULT);
    expect(sends()).toBe(0);
    expect((await rows()).map((row) => [row.status, row.attempts])).toEqual([
      ["pending", 0],
      ["pending", 0],
    ]);

    await heal();
    await deliver(queued, { now: now + 15, attempts: 2 });
    expect((await rows()).map((row) => [row.status, row.attempts])).toEqual([
      ["sent", 1],
      ["sent", 1],
    ]);
    expect(sends()).toBe(2);
  });

  it("D1 fails once recording a send the provider accepted: the outcome is written on the next try, nothing is sent twice", async () => {
    const { now, queued, rows } = await patientRemindersQueued();
    const db = flakyD1(env.DB, /SET status = 'sent'/, 2);
    const result = await deliver(queued, { now, db });
    expect(result.explicitAcks).toHaveLength(2);
    expect((await rows()).map((row) => row.status)).toEqual(["sent", "sent"]);

    // Later deliveries and cron runs find nothing to send.
    await runCron(now + LEASE_SECONDS + MINUTE);
    await deliver(queued, { now: now + LEASE_SECONDS + MINUTE, attempts: 2 });
    expect(sends()).toBe(2);
  });

  it("D1 stays down after the provider accepted: the row is not lost, the sweeper returns it after its lease and it is sent again (at least once)", async () => {
    const { now, queued, rows } = await patientRemindersQueued({ email: false });
    const heal = await failD1Writes("UPDATE", "reminders", "NEW.status = 'sent'");
    const first = await deliver(queued, { now });
    expect(first.retryDelays).toEqual([15]);
    expect((await rows()).map((row) => [row.status, row.lease_until])).toEqual([["sending", now + LEASE_SECONDS]]);

    await heal();
    const afterLease = now + LEASE_SECONDS;
    expect(await runCron(afterLease)).toEqual(queued);
    expect((await rows()).map((row) => [row.status, row.last_error])).toEqual([["pending", "lease_expired"]]);
    await deliver(queued, { now: afterLease, attempts: 2 });
    expect((await rows()).map((row) => [row.status, row.attempts])).toEqual([["sent", 2]]);
    // The provider never answered to the ledger the first time, so it was asked again: twice, never zero times.
    expect(twilio.requests).toHaveLength(2);
  });
});
