import { randomUUID } from "node:crypto";
import { inject } from "vitest";
import type { Role, TestUser } from "./jwt";

/** Runs statements on the Worker's D1 (through the global setup's control server). */
export async function sql<Row = Record<string, unknown>>(...statements: string[]): Promise<Row[][]> {
  const response = await fetch(`${inject("controlUrl")}/sql`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-control-key": inject("controlKey") },
    body: JSON.stringify({ statements }),
  });
  if (!response.ok) throw new Error(`SQL failed: ${await response.text()}`);
  return (await response.json()) as Row[][];
}

const quote = (value: string | number | null) =>
  value === null ? "NULL" : typeof value === "number" ? String(value) : `'${value.replace(/'/g, "''")}'`;

// Test files run in parallel against one database: ids are random so they never collide.
const freshId = () => 100_000 + Math.floor(Math.random() * 900_000_000);

/** A user row as the platform would have synced it. */
export async function createUser(role: Role, fields: { name: string; timezone?: string }): Promise<TestUser> {
  const id = freshId();
  const user = { id, role, name: fields.name, email: `${role}${id}@example.com`, timezone: fields.timezone ?? "UTC" };
  const now = Math.floor(Date.now() / 1000);
  await sql(
    `INSERT INTO users (id, email, name, role, phone, timezone, whatsapp_opt_in, email_opt_in, is_active, created_at, updated_at)
     VALUES (${[id, user.email, user.name, role, null, user.timezone, 0, 0, 1, now, now].map(quote).join(", ")})`,
  );
  return user;
}

export type TestAppointment = { id: number; roomName: string; startsAt: number; provider: "twilio" | "agora" | "webrtc" };

/** An appointment written straight to D1, starting `startsInSeconds` from now (the Worker's clock is the real one). */
export async function createAppointment(fields: {
  psychologist: TestUser;
  patient: TestUser;
  startsInSeconds: number;
  durationMinutes?: number;
  status?: "scheduled" | "confirmed" | "ongoing" | "completed" | "cancelled";
  provider?: "twilio" | "agora" | "webrtc";
  serviceName?: string;
}): Promise<TestAppointment> {
  const now = Math.floor(Date.now() / 1000);
  const startsAt = now + fields.startsInSeconds;
  const provider = fields.provider ?? "twilio";
  const roomName = `apt-browser-${randomUUID()}`;
  const values = [
    fields.psychologist.id,
    fields.patient.id,
    startsAt,
    fields.durationMinutes ?? 50,
    fields.status ?? "confirmed",
    "telehealth",
    fields.serviceName ?? "Individual therapy",
    provider,
    roomName,
    now,
    now,
  ];
  const [rows] = await sql<{ id: number }>(
    `INSERT INTO appointments (psychologist_id, patient_id, starts_at, duration_minutes, status, session_type, service_name, video_provider, video_room_id, created_at, updated_at)
     VALUES (${values.map(quote).join(", ")}) RETURNING id`,
  );
  return { id: rows![0]!.id, roomName, startsAt, provider };
}
