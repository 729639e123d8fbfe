import { env, runInDurableObject } from "cloudflare:test";
import { expect, it } from "vitest";
import { twilioRoomEvent } from "../../src/providers/twilio/room-events";
import type { RoomState } from "../../src/rooms/room-state";
import { createAppointment, createUser } from "../support/fixtures";
import { postTwilio, roomOf } from "../webhooks/signed-webhooks";
import { inRoom, replay, seededRandom, shuffledWithDuplicates, twilioSessionParams, withoutLog } from "./room-fixtures";

it("a shuffled stream with redeliveries, posted concurrently to the webhook, ends in the in-order state", async () => {
  const appointment = await createAppointment({
    psychologist: await createUser("psychologist"),
    patient: await createUser("patient"),
    // Booked end 10 minutes ago: the stream's room end completes the appointment at once.
    startsInMinutes: -60,
  });
  const roomName = appointment.video_room_id!;
  // Recent times, so no alarm the stream schedules comes due while it is posted.
  const start = Date.now() - 600_000;
  const t = (seconds: number) => start + seconds * 1000;
  const session = twilioSessionParams(t).map((params) => inRoom(params, roomName));

  const delivered = shuffledWithDuplicates(session, seededRandom(42));
  expect(delivered.length).toBeGreaterThan(session.length);
  const deliveries: string[] = [];
  for (let i = 0; i < delivered.length; i += 4) {
    const batch = await Promise.all(delivered.slice(i, i + 4).map((params) => postTwilio(params)));
    for (const response of batch) deliveries.push(((await response.json()) as { delivery: string }).delivery);
  }
  expect(deliveries.filter((delivery) => delivery === "applied")).toHaveLength(session.length);
  expect(deliveries.filter((delivery) => delivery === "duplicate")).toHaveLength(delivered.length - session.length);

  const inOrder = replay(session.map((params) => twilioRoomEvent(params)!));
  const stored = await runInDurableObject(roomOf(roomName), (_, state) => state.storage.kv.get<RoomState>("state"));
  expect(withoutLog(stored!)).toEqual(withoutLog(inOrder));
  expect(stored!.log).toHaveLength(session.length);
  const row = await env.DB.prepare("SELECT status, started_at, ended_at FROM appointments WHERE id = ?").bind(appointment.id).first();
  expect(row).toEqual({ status: "completed", started_at: Math.floor(t(1) / 1000), ended_at: Math.floor(t(310) / 1000) });
});
