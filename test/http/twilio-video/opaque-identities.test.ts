import { beforeAll, describe, expect, it, vi } from "vitest";
import type { LiveMessage } from "../../../src/rooms/live-messages";
import { decodeJwt } from "../../providers/twilio/decode-jwt";
import { inRoom, twilioParams } from "../../rooms/room-fixtures";
import { call, callJson, tokenFor, withSettings } from "../../support/api";
import { createAppointment, createUser, type UserFixture } from "../../support/fixtures";
import { postTwilio } from "../../webhooks/signed-webhooks";

let psychologist: UserFixture, patient: UserFixture;

beforeAll(async () => {
  [psychologist, patient] = await Promise.all([createUser("psychologist"), createUser("patient")]);
});

const opaque = <T>(fn: () => Promise<T>) => withSettings({ VIDEO_IDENTITY_MODE: "opaque" }, fn);

/** The identity Twilio would see: the one inside the signed token's grants. */
async function twilioIdentityOf(appointmentId: number, user: UserFixture): Promise<string> {
  const { status, body } = await callJson(`/api/appointments/video-token/${appointmentId}/`, { as: user });
  expect(status).toBe(200);
  const identity = decodeJwt(body.access_token).payload.grants as { identity: string };
  expect(body.user_identity).toBe(identity.identity);
  return identity.identity;
}

const emailsOf = (...users: UserFixture[]) => users.map((user) => user.email);

/** Twilio's callbacks for both parties joining, as signed webhooks. */
async function bothJoin(roomName: string, identities: { psychologist: string; patient: string }, from: number) {
  await postTwilio(inRoom(twilioParams("room-created", from, 0), roomName));
  await postTwilio(
    inRoom(
      twilioParams("participant-connected", from + 1000, 1, {
        sid: "PA000000000000000000000000000000e1",
        identity: identities.psychologist,
      }),
      roomName,
    ),
  );
  await postTwilio(
    inRoom(
      twilioParams("participant-connected", from + 2000, 2, { sid: "PA000000000000000000000000000000e2", identity: identities.patient }),
      roomName,
    ),
  );
}

describe("VIDEO_IDENTITY_MODE=opaque", () => {
  it("gives Twilio an HMAC of the user id as identity: no email, the same for a user every time, different between users", async () => {
    const first = await createAppointment({ psychologist, patient, startsInMinutes: 5 });
    const second = await createAppointment({ psychologist, patient, startsInMinutes: 3 });
    const [psychologistFirst, psychologistSecond, patientFirst] = await opaque(async () => [
      await twilioIdentityOf(first.id, psychologist),
      await twilioIdentityOf(second.id, psychologist),
      await twilioIdentityOf(first.id, patient),
    ]);
    for (const identity of [psychologistFirst, patientFirst]) {
      expect(identity).toMatch(/^u-[0-9a-f]{32}$/);
      expect(identity).not.toContain(String(psychologist.id));
    }
    expect(psychologistSecond).toBe(psychologistFirst);
    expect(patientFirst).not.toBe(psychologistFirst);
    // The default is untouched: `<id>-<email>`, which front ends parse.
    expect(await twilioIdentityOf(first.id, patient)).toBe(`${patient.id}-${patient.email}`);
  });

  it("names each party in room status from our own data, and sends no email, after signed webhooks with opaque identities", async () => {
    const appointment = await createAppointment({ psychologist, patient, startsInMinutes: -5 });
    const roomName = appointment.video_room_id!;
    const identities = await opaque(async () => ({
      psychologist: await twilioIdentityOf(appointment.id, psychologist),
      patient: await twilioIdentityOf(appointment.id, patient),
    }));
    await bothJoin(roomName, identities, Date.now() - 60_000);

    const response = await opaque(() => call(`/api/appointments/video-status/${appointment.id}/`, { as: patient }));
    expect(response.status).toBe(200);
    const text = await response.text();
    for (const email of emailsOf(psychologist, patient)) expect(text).not.toContain(email);
    expect(JSON.parse(text).participants).toMatchObject([
      { identity: identities.psychologist, user_id: psychologist.id, side: "psychologist", name: psychologist.name, status: "connected" },
      { identity: identities.patient, user_id: patient.id, side: "patient", name: patient.name, status: "connected" },
    ]);

    // In the default mode the body keeps exactly the fields front ends already read.
    const { body } = await callJson(`/api/appointments/video-status/${appointment.id}/`, { as: patient });
    expect(body.participants.map(Object.keys)).toEqual([
      ["sid", "identity", "status", "duration", "connected_at"],
      ["sid", "identity", "status", "duration", "connected_at"],
    ]);
  });

  it("names each party in live events too, with no email in any message", async () => {
    const appointment = await createAppointment({ psychologist, patient, startsInMinutes: -5 });
    const roomName = appointment.video_room_id!;
    const received: string[] = [];
    const { identities, socket } = await opaque(async () => {
      const identities = {
        psychologist: await twilioIdentityOf(appointment.id, psychologist),
        patient: await twilioIdentityOf(appointment.id, patient),
      };
      const response = await call(`/api/appointments/video-events/${appointment.id}/`, {
        headers: { upgrade: "websocket", "sec-websocket-protocol": `bearer, ${await tokenFor(psychologist)}` },
      });
      expect(response.status).toBe(101);
      return { identities, socket: response.webSocket! };
    });
    socket.addEventListener("message", (event) => received.push(event.data as string));
    socket.accept();
    await bothJoin(roomName, identities, Date.now() - 60_000);
    await vi.waitFor(() => expect(received.length).toBeGreaterThanOrEqual(4));
    socket.close(1000, "done");

    for (const email of emailsOf(psychologist, patient)) expect(received.join("\n")).not.toContain(email);
    const joined = received
      .map((text) => JSON.parse(text) as LiveMessage)
      .flatMap((message) => (message.type === "participant.joined" ? [message.participant] : []));
    expect(joined).toMatchObject([
      { identity: identities.psychologist, user_id: psychologist.id, side: "psychologist", name: psychologist.name },
      { identity: identities.patient, user_id: patient.id, side: "patient", name: patient.name },
    ]);
  });
});
