import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { callJson } from "../support/api";
import { useOutboundStandIn } from "../support/outbound";
import { postTwilioMessageStatus } from "../webhooks/signed-webhooks";
import { appointmentAt, deliver, freshStart, HOUR, ledgerRows, parties, runCron, useEmptyLedger } from "./support";

// No handlers: with the providers unconfigured nothing may leave the Worker.
useOutboundStandIn();
useEmptyLedger();

const admin = { id: 1, email: "admin@example.com", role: "admin" as const };
const webhookUrl = "https://video-edge.example.com/api/webhooks/twilio/messages";

/** Twilio's status callback for one message, signed as Twilio signs it unless `signature` says otherwise. */
function statusCallback(fields: Record<string, string>, signature?: string) {
  const params = Object.entries({
    AccountSid: env.TWILIO_ACCOUNT_SID,
    From: "whatsapp:+15550001111",
    To: "whatsapp:+15550000201",
    ...fields,
  });
  return postTwilioMessageStatus(params, signature === undefined ? {} : { signature });
}

describe("the local outbox", () => {
  it("is off unless LOCAL_OUTBOX says so: a deployment without credentials skips each message as not_configured and keeps none", async () => {
    const startsAt = freshStart();
    const appointment = await appointmentAt(startsAt, await parties());
    const now = startsAt - HOUR;
    await deliver(await runCron(now), { now, overrides: { TWILIO_ACCOUNT_SID: "", EMAIL_API_KEY: "" } });
    expect(
      (await ledgerRows(appointment.id))
        .filter((row) => row.offset_minutes === 60)
        .map((row) => [row.status, row.skip_reason, row.sent_at]),
    ).toEqual(Array(4).fill(["skipped", "not_configured", null]));
    expect(await env.DB.prepare("SELECT COUNT(*) AS count FROM outbox").first("count")).toBe(0);
  });

  it("with LOCAL_OUTBOX on, holds every message when no provider is configured, for admins to read", async () => {
    const startsAt = freshStart();
    const who = await parties();
    const appointment = await appointmentAt(startsAt, who);
    const now = startsAt - HOUR;
    await deliver(await runCron(now), { now, overrides: { TWILIO_ACCOUNT_SID: "", EMAIL_API_KEY: "", LOCAL_OUTBOX: "true" } });
    expect(
      (await ledgerRows(appointment.id))
        .filter((row) => row.offset_minutes === 60)
        .map((row) => [row.status, row.provider_message_id?.startsWith("outbox-")]),
    ).toEqual(Array(4).fill(["sent", true]));

    const firstPage = await callJson("/api/admin/outbox?page_size=3", { as: admin });
    expect(firstPage).toMatchObject({
      status: 200,
      body: { count: 4, next: "http://api.test/api/admin/outbox?page_size=3&page=2", previous: null },
    });
    const { body } = await callJson("/api/admin/outbox", { as: admin });
    const whatsapp = body.results.find((entry: any) => entry.to === "+15550000201");
    expect(whatsapp).toMatchObject({
      subject: null,
      payload: { To: "whatsapp:+15550000201", From: "whatsapp:+15550001111", StatusCallback: webhookUrl },
    });
    expect(whatsapp.body).toContain("Starting in 1 Hour");
    expect(whatsapp.payload.Body).toBe(whatsapp.body);
    const email = body.results.find((entry: any) => entry.channel === "email");
    expect(email.payload).toMatchObject({
      From: "Practice <no-reply@practice.example.com>",
      To: email.to,
      Subject: email.subject,
      TextBody: email.body,
      MessageStream: "outbound",
    });
  });

  it("is for admins only", async () => {
    const { psychologist } = await parties();
    expect(await callJson("/api/admin/outbox", { as: psychologist })).toEqual({ status: 403, body: { error: "Permission denied" } });
  });
});

describe("POST /api/webhooks/twilio/messages", () => {
  async function sentWhatsApp(providerMessageId: string) {
    const startsAt = freshStart();
    const appointment = await appointmentAt(startsAt, await parties());
    const [id] = await runCron(startsAt - HOUR);
    await env.DB.prepare("UPDATE reminders SET status = 'sent', provider_message_id = ? WHERE id = ?").bind(providerMessageId, id).run();
    return async () => (await ledgerRows(appointment.id)).find((row) => row.id === id)!;
  }

  it("records delivery and read receipts, whatever order they arrive in", async () => {
    const row = await sentWhatsApp("SM00000000000000000000000000000a01");
    for (const status of ["sent", "read", "delivered"]) {
      expect((await statusCallback({ MessageSid: "SM00000000000000000000000000000a01", MessageStatus: status })).status).toBe(204);
    }
    expect(await row()).toMatchObject({ status: "sent", delivery_status: "read", last_error: null });
  });

  it("marks an undelivered message failed with Twilio's error code", async () => {
    const row = await sentWhatsApp("SM00000000000000000000000000000a02");
    await statusCallback({ MessageSid: "SM00000000000000000000000000000a02", MessageStatus: "undelivered", ErrorCode: "63016" });
    expect(await row()).toMatchObject({ status: "failed", delivery_status: "undelivered", last_error: "twilio_undelivered 63016" });
  });

  it("refuses unsigned callbacks and ignores unknown messages", async () => {
    const row = await sentWhatsApp("SM00000000000000000000000000000a03");
    const forged = await statusCallback(
      { MessageSid: "SM00000000000000000000000000000a03", MessageStatus: "failed" },
      "bm90IGEgc2lnbmF0dXJl",
    );
    expect(forged.status).toBe(403);
    expect((await row()).delivery_status).toBeNull();
    expect((await statusCallback({ MessageSid: "SM0000000000000000000000000000ffff", MessageStatus: "delivered" })).status).toBe(204);
    expect((await statusCallback({ MessageStatus: "delivered" })).status).toBe(400);
  });
});
