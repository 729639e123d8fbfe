import { env } from "cloudflare:test";
import type { AppointmentRow } from "../../src/appointments/queries";
import type { Role } from "../../src/base/caller";
import type { TestUser } from "./api";

let nextUserId = 1000;

export type UserFixture = TestUser & { name: string; timezone: string; phone: string | null };

/** A user row as the platform would have synced it. */
export async function createUser(
  role: Role,
  fields: Partial<Omit<UserFixture, "role">> & { is_active?: boolean; whatsapp_opt_in?: boolean; email_opt_in?: boolean } = {},
): Promise<UserFixture> {
  const id = fields.id ?? nextUserId++;
  const user = {
    id,
    role,
    email: fields.email ?? `${role}${id}@example.com`,
    name: fields.name ?? `${role === "psychologist" ? "Ada" : "Pat"} ${id}`,
    timezone: fields.timezone ?? "UTC",
    phone: fields.phone ?? null,
  };
  const now = Math.floor(Date.now() / 1000);
  await env.DB.prepare(
    `INSERT INTO users (id, email, name, role, phone, timezone, whatsapp_opt_in, email_opt_in, is_active, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
    .bind(
      user.id,
      user.email,
      user.name,
      role,
      user.phone,
      user.timezone,
      fields.whatsapp_opt_in ? 1 : 0,
      fields.email_opt_in === false ? 0 : 1,
      fields.is_active === false ? 0 : 1,
      now,
      now,
    )
    .run();
  return user;
}

/**
 * An appointment row written straight to D1, for states the API will not create (sessions
 * already under way or over). `startsInMinutes` is relative to now.
 */
export async function createAppointment(fields: {
  psychologist: TestUser;
  patient: TestUser;
  startsInMinutes: number;
  durationMinutes?: number;
  status?: AppointmentRow["status"];
  sessionType?: AppointmentRow["session_type"];
  videoProvider?: AppointmentRow["video_provider"];
  serviceName?: string;
  videoRoomId?: string | null;
}): Promise<AppointmentRow> {
  const now = Math.floor(Date.now() / 1000);
  const sessionType = fields.sessionType ?? "telehealth";
  const roomId =
    fields.videoRoomId !== undefined ? fields.videoRoomId : sessionType === "telehealth" ? `apt-fixture-${crypto.randomUUID()}` : null;
  const row = await env.DB.prepare(
    `INSERT INTO appointments (psychologist_id, patient_id, starts_at, duration_minutes, status, session_type, service_name,
       video_provider, video_room_id, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
  )
    .bind(
      fields.psychologist.id,
      fields.patient.id,
      now + Math.round(fields.startsInMinutes * 60),
      fields.durationMinutes ?? 50,
      fields.status ?? "scheduled",
      sessionType,
      fields.serviceName ?? "Therapy session",
      fields.videoProvider ?? "twilio",
      roomId,
      now,
      now,
    )
    .first<AppointmentRow>();
  return row!;
}

/** An ISO 8601 instant `minutes` from now, with a UTC offset as the API requires. */
export function isoInMinutes(minutes: number): string {
  return new Date(Date.now() + minutes * 60_000).toISOString();
}
