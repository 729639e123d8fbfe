// Demo practice for local development: one psychologist, two patients, an admin, and
// appointments placed relative to the moment `npm run dev` starts.

export const demoUsers = [
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

const demoAppointmentIds = [9001, 9002, 9003, 9004];

const sqlValue = (value) =>
  value === null ? "NULL" : typeof value === "number" ? String(value) : `'${String(value).replace(/'/g, "''")}'`;

/** Idempotent seed SQL: demo users upserted, demo appointments replaced at times relative to `now`. */
export function seedSql(now = Math.floor(Date.now() / 1000)) {
  const minute = 60;
  const appointments = [
    {
      id: 9001,
      patient_id: 201,
      startsIn: 10 * minute,
      duration: 50,
      service: "Individual therapy",
      provider: "twilio",
      status: "confirmed",
    },
    {
      id: 9002,
      patient_id: 202,
      startsIn: 3 * 60 * minute,
      duration: 50,
      service: "Initial consultation",
      provider: "agora",
      status: "scheduled",
    },
    {
      id: 9003,
      patient_id: 201,
      startsIn: 24 * 60 * minute,
      duration: 50,
      service: "Individual therapy",
      provider: "twilio",
      status: "scheduled",
    },
    { id: 9004, patient_id: 202, startsIn: 26 * 60 * minute, duration: 90, service: "Follow-up", provider: "twilio", status: "scheduled" },
  ];
  const statements = [
    ...demoUsers.map(
      (u) => `INSERT INTO users (id, email, name, role, phone, timezone, whatsapp_opt_in, email_opt_in, is_active, created_at, updated_at)
VALUES (${[u.id, u.email, u.name, u.role, u.phone, u.timezone, u.phone ? 1 : 0, 1, 1, now, now].map(sqlValue).join(", ")})
ON CONFLICT (id) DO UPDATE SET email = excluded.email, name = excluded.name, role = excluded.role, phone = excluded.phone,
  timezone = excluded.timezone, is_active = 1, updated_at = excluded.updated_at;`,
    ),
    `DELETE FROM appointments WHERE id IN (${demoAppointmentIds.join(", ")});`,
    ...appointments.map((a) => {
      const room = `apt-${a.id}-${now}-${Math.floor(Math.random() * 0xffffffff)
        .toString(16)
        .padStart(8, "0")}`;
      const values = [a.id, 101, a.patient_id, now + a.startsIn, a.duration, a.status, "telehealth", a.service, a.provider, room, now, now];
      return `INSERT INTO appointments (id, psychologist_id, patient_id, starts_at, duration_minutes, status, session_type, service_name,
  video_provider, video_room_id, created_at, updated_at) VALUES (${values.map(sqlValue).join(", ")});`;
    }),
  ];
  return statements.join("\n");
}
