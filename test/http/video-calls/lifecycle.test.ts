import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { agoraBody, inChannel } from "../../rooms/room-fixtures";
import { callJson } from "../../support/api";
import { createAppointment, createUser, type UserFixture } from "../../support/fixtures";
import { postAgora } from "../../webhooks/signed-webhooks";

const calls = "/api/v1/video/video-calls/";
const admin = { id: 1, email: "admin@example.com", role: "admin" as const };
type Caller = { id: number; email: string; role: "psychologist" | "patient" | "admin" };

let doctor: UserFixture, patient: UserFixture, stranger: UserFixture;

beforeAll(async () => {
  [doctor, patient, stranger] = await Promise.all([createUser("psychologist"), createUser("patient"), createUser("patient")]);
});

const agoraCall = (fields: Partial<Parameters<typeof createAppointment>[0]> = {}) =>
  createAppointment({ psychologist: doctor, patient, startsInMinutes: 5, videoProvider: "agora", ...fields });
const post = (id: number, action: "join" | "end" | "cancel", as: Caller) => callJson(`${calls}${id}/${action}/`, { method: "POST", as });
const nearNow = (iso: string) => Math.abs(Date.parse(iso) - Date.now()) < 60_000;

describe("POST /api/v1/video/video-calls/<id>/end/", () => {
  it("completes an ongoing call for either party, keeping when it started", async () => {
    const call = await agoraCall();
    expect((await post(call.id, "join", doctor)).status).toBe(200);
    // The call starts when the doctor connects, as Agora reports it.
    await postAgora(inChannel(agoraBody(103, Date.now() - 5_000, { uid: doctor.id, clientSeq: 1 }), call.video_room_id!));
    const startedAt = (await callJson(`${calls}${call.id}/`, { as: doctor })).body.started_at;

    const { status, body } = await post(call.id, "end", patient);

    expect(status).toBe(200);
    expect(body).toMatchObject({ id: call.id, status: "completed", started_at: startedAt });
    expect(nearNow(body.ended_at)).toBe(true);
    expect((await callJson(`/api/appointments/${call.id}/`, { as: doctor })).body).toMatchObject({
      status: "completed",
      ended_at: body.ended_at,
    });
    expect(await post(call.id, "join", patient)).toEqual({ status: 400, body: { error: "This call has already been completed" } });
    expect(await post(call.id, "end", doctor)).toEqual({
      status: 400,
      body: { error: "Only an ongoing call can be ended; this call is completed" },
    });
  });

  it("refuses to end a call that has not started", async () => {
    const call = await agoraCall({ status: "confirmed" });
    expect(await post(call.id, "end", doctor)).toEqual({
      status: 400,
      body: { error: "Only an ongoing call can be ended; this call is scheduled" },
    });
  });

  it("is for the parties only, not admins", async () => {
    const call = await agoraCall({ status: "ongoing", startsInMinutes: -5 });
    expect(await post(call.id, "end", stranger)).toEqual({ status: 404, body: { error: "Video call not found" } });
    for (const caller of [admin]) {
      expect(await post(call.id, "end", caller)).toEqual({ status: 403, body: { error: "You are not authorized to access this call" } });
    }
    expect((await callJson(`${calls}${call.id}/`, { as: doctor })).body.status).toBe("ongoing");
  });
});

describe("POST /api/v1/video/video-calls/<id>/cancel/", () => {
  it("cancels a scheduled (or confirmed) call for a party or an admin", async () => {
    for (const [caller, status] of [
      [patient, "scheduled"],
      [doctor, "confirmed"],
      [admin, "scheduled"],
    ] as const) {
      const call = await agoraCall({ status, startsInMinutes: 60 * 24 });
      const { status: code, body } = await post(call.id, "cancel", caller);
      expect(code).toBe(200);
      expect(body).toMatchObject({ id: call.id, status: "cancelled", ended_at: null });
      expect(await post(call.id, "join", doctor)).toEqual({ status: 400, body: { error: "This call has been cancelled" } });
    }
  });

  it("refuses to cancel a call that is under way, over, or already cancelled", async () => {
    const ongoing = await agoraCall({ status: "ongoing", startsInMinutes: -5 });
    expect(await post(ongoing.id, "cancel", doctor)).toEqual({
      status: 400,
      body: { error: "Only a scheduled call can be cancelled; this call is ongoing" },
    });
    const completed = await agoraCall({ status: "completed", startsInMinutes: -120 });
    expect(await post(completed.id, "cancel", admin)).toEqual({
      status: 400,
      body: { error: "Only a scheduled call can be cancelled; this call is completed" },
    });
    const cancelled = await agoraCall({ status: "cancelled" });
    expect(await post(cancelled.id, "cancel", patient)).toEqual({
      status: 400,
      body: { error: "Only a scheduled call can be cancelled; this call is cancelled" },
    });
  });

  it("is for the parties and admins only, and only for Agora calls", async () => {
    const call = await agoraCall({ startsInMinutes: 60 * 48 });
    expect(await post(call.id, "cancel", stranger)).toEqual({ status: 404, body: { error: "Video call not found" } });
    expect((await callJson(`${calls}${call.id}/`, { as: doctor })).body.status).toBe("scheduled");
    const twilio = await agoraCall({ videoProvider: "twilio", startsInMinutes: 60 * 72 });
    expect((await post(twilio.id, "cancel", doctor)).body.error).toContain("/api/appointments/");
    expect(await post(999_999, "cancel", admin)).toEqual({ status: 404, body: { error: "Video call not found" } });
  });
});

describe("what booking and cancelling a call sets off", () => {
  it("confirms a booked call to both parties and tells them when it is cancelled, through the reminder ledger", async () => {
    const [doctor, patient] = await Promise.all([createUser("psychologist"), createUser("patient")]);
    const scheduledTime = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const booked = await callJson(calls, {
      method: "POST",
      as: doctor,
      body: { doctor: doctor.id, patient: patient.id, scheduled_time: scheduledTime },
    });
    expect(booked).toMatchObject({ status: 201, body: { status: "scheduled" } });
    const notices = async () =>
      (
        await env.DB.prepare(
          "SELECT kind, channel, recipient_id FROM reminders WHERE appointment_id = ? AND kind <> 'reminder' ORDER BY id",
        )
          .bind(booked.body.id)
          .all()
      ).results;
    const bothParties = (kind: string) =>
      [doctor.id, patient.id].flatMap((id) => ["whatsapp", "email"].map((channel) => ({ kind, channel, recipient_id: id })));
    expect(await notices()).toEqual(expect.arrayContaining(bothParties("booked")));

    expect((await post(booked.body.id, "cancel", patient)).status).toBe(200);
    expect(await notices()).toEqual(expect.arrayContaining([...bothParties("booked"), ...bothParties("cancelled")]));
  });
});
