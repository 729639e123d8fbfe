// Demo practice for local development: one psychologist, two patients, an admin, and
// appointments placed relative to the moment `npm run dev` starts.

export type DemoUser = {
  id: number;
  email: string;
  name: string;
  role: "admin" | "psychologist" | "patient";
  phone: string | null;
  timezone: string;
};
export type DemoAppointment = {
  id: number;
  psychologistId: number;
  patientId: number;
  startsAt: number;
  durationMinutes: number;
  roomName: string;
};

export const demoUsers: DemoUser[] = [
  { id: 1, email: "admin@demo.practice", name: "Practice Admin", role: "admin", phone: null, timezone: "UTC" },
  {
    id: 101,
    email: "dr.smith@demo.practice",
    name: "Jane Smith",
    role: "psychologist",
    phone: "+14155550101",
    timezone: "America/New_York",
  },
  { id: 201, email: "alex@demo.practice", name: "Alex Rivera", role: "patient", phone: "+14155550201", timezone: "America/Los_Angeles" },
  { id: 202, email: "sam@demo.practice", name: "Sam Lee", role: "patient", phone: "+447700900202", timezone: "Europe/London" },
];

const minute = 60;
/** The demo schedule, relative to the moment `npm run dev` starts: the first one is joinable at once. */
const demoSchedule = [
  {
    id: 9001,
    patientId: 201,
    startsIn: 10 * minute,
    durationMinutes: 50,
    service: "Individual therapy",
    provider: "webrtc",
    status: "confirmed",
  },
  {
    id: 9002,
    patientId: 202,
    startsIn: 180 * minute,
    durationMinutes: 50,
    service: "Initial consultation",
    provider: "agora",
    status: "scheduled",
  },
  {
    id: 9003,
    patientId: 201,
    startsIn: 1440 * minute,
    durationMinutes: 50,
    service: "Individual therapy",
    provider: "webrtc",
    status: "scheduled",
  },
  { id: 9004, patientId: 202, startsIn: 1560 * minute, durationMinutes: 90, service: "Follow-up", provider: "webrtc", status: "scheduled" },
];

const sqlValue = (value: string | number | null) =>
  value === null ? "NULL" : typeof value === "number" ? String(value) : `'${String(value).replace(/'/g, "''")}'`;

/** Idempotent seed SQL: demo users upserted, demo appointments replaced at times relative to `now`. */
export function demoSeed(now = Math.floor(Date.now() / 1000)): { sql: string; appointments: DemoAppointment[] } {
  const appointments = demoSchedule.map((a) => ({
    ...a,
    psychologistId: 101,
    startsAt: now + a.startsIn,
    // A new room name per run: a room Twilio or Agora saw in an earlier run may still be open there.
    roomName: `apt-${a.id}-${now}-${Math.floor(Math.random() * 0xffffffff)
      .toString(16)
      .padStart(8, "0")}`,
  }));
  const statements = [
    ...demoUsers.map(
      (u) => `INSERT INTO users (id, email, name, role, phone, timezone, whatsapp_opt_in, email_opt_in, is_active, created_at, updated_at)
VALUES (${[u.id, u.email, u.name, u.role, u.phone, u.timezone, u.phone ? 1 : 0, 1, 1, now, now].map(sqlValue).join(", ")})
ON CONFLICT (id) DO UPDATE SET email = excluded.email, name = excluded.name, role = excluded.role, phone = excluded.phone,
  timezone = excluded.timezone, is_active = 1, updated_at = excluded.updated_at;`,
    ),
    // The last run's demo appointments go, with the reminders, outbox rows and invites hanging off them.
    ...[
      "outbox WHERE reminder_id IN (SELECT id FROM reminders WHERE appointment_id IN (ids))",
      "reminders WHERE appointment_id IN (ids)",
      "appointment_invites WHERE appointment_id IN (ids)",
      "appointments WHERE id IN (ids)",
    ].map((rows) => `DELETE FROM ${rows.replace("ids", demoSchedule.map((a) => a.id).join(", "))};`),
    ...appointments.map((a) => {
      const values = [
        a.id,
        a.psychologistId,
        a.patientId,
        a.startsAt,
        a.durationMinutes,
        a.status,
        "telehealth",
        a.service,
        a.provider,
        a.roomName,
        now,
        now,
      ];
      return `INSERT INTO appointments (id, psychologist_id, patient_id, starts_at, duration_minutes, status, session_type, service_name,
  video_provider, video_room_id, created_at, updated_at) VALUES (${values.map(sqlValue).join(", ")});`;
    }),
  ];
  return { sql: statements.join("\n"), appointments };
}
