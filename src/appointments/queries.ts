import type { Database } from "../base/database";
import type { VideoProvider } from "../base/video-provider";
import { callerActiveColumn, callerActiveIn, callerActiveStatement } from "../users/queries";
import { joinClosesMinutesAfterEnd, joinOpensMinutesBefore } from "./join-window";
import type { AppointmentStatus } from "./schemas";

export type AppointmentRow = {
  id: number;
  psychologist_id: number;
  patient_id: number;
  starts_at: number;
  duration_minutes: number;
  ends_at: number;
  status: AppointmentStatus;
  session_type: "telehealth" | "in_person";
  service_name: string | null;
  video_provider: VideoProvider;
  video_room_id: string | null;
  started_at: number | null;
  ended_at: number | null;
  created_at: number;
  updated_at: number;
};

/** An appointment with both parties' names and emails, as every view shows them. */
export type AppointmentWithParties = AppointmentRow & {
  psychologist_name: string;
  psychologist_email: string;
  patient_name: string;
  patient_email: string;
};

const partyColumns = `a.*, ps.name AS psychologist_name, ps.email AS psychologist_email,
         pt.name AS patient_name, pt.email AS patient_email`;
const partyJoins = `FROM appointments a
  JOIN users ps ON ps.id = a.psychologist_id
  JOIN users pt ON pt.id = a.patient_id`;

const withParties = `SELECT ${partyColumns} ${partyJoins}`;

/** An appointment as one caller reads it: with whether the caller's own account is active. */
export type AppointmentForCaller = AppointmentWithParties & { caller_active: number | null };

export function findAppointment(db: Database, id: number): Promise<AppointmentWithParties | null> {
  return db.prepare(`${withParties} WHERE a.id = ?`).bind(id).first<AppointmentWithParties>();
}

export function findAppointmentByRoom(db: Database, videoRoomId: string): Promise<AppointmentWithParties | null> {
  return db.prepare(`${withParties} WHERE a.video_room_id = ?`).bind(videoRoomId).first<AppointmentWithParties>();
}

/** The appointment by id or room name, and the caller's `is_active`, in one statement. */
export function findAppointmentForCaller(
  db: Database,
  key: { id: number } | { roomName: string },
  callerId: number,
): Promise<AppointmentForCaller | null> {
  const where = "id" in key ? "a.id = ?1" : "a.video_room_id = ?1";
  return db
    .prepare(`SELECT ${partyColumns}, ${callerActiveColumn("?2")} ${partyJoins} WHERE ${where}`)
    .bind("id" in key ? key.id : key.roomName, callerId)
    .first<AppointmentForCaller>();
}

export type AppointmentFilter = {
  party?: { column: "psychologist_id" | "patient_id"; id: number };
  statuses?: AppointmentStatus[];
  /** Only sessions of this kind on this provider (the video-calls API lists Agora telehealth sessions). */
  sessionType?: AppointmentRow["session_type"];
  videoProvider?: VideoProvider;
  startsFrom?: number;
  startsBefore?: number;
  limit: number;
  offset: number;
};

/** The two statements `listAppointments` runs for a filter: the total count and one page in start order. */
export function appointmentListQuery(filter: AppointmentFilter): { countSql: string; pageSql: string; values: (string | number)[] } {
  const conditions: string[] = [];
  const values: (string | number)[] = [];
  if (filter.party) {
    conditions.push(`a.${filter.party.column} = ?`);
    values.push(filter.party.id);
  }
  if (filter.statuses?.length) {
    conditions.push(`a.status IN (${filter.statuses.map(() => "?").join(", ")})`);
    values.push(...filter.statuses);
  }
  if (filter.sessionType) {
    conditions.push("a.session_type = ?");
    values.push(filter.sessionType);
  }
  if (filter.videoProvider) {
    conditions.push("a.video_provider = ?");
    values.push(filter.videoProvider);
  }
  if (filter.startsFrom !== undefined) {
    conditions.push("a.starts_at >= ?");
    values.push(filter.startsFrom);
  }
  if (filter.startsBefore !== undefined) {
    conditions.push("a.starts_at < ?");
    values.push(filter.startsBefore);
  }
  const where = conditions.length ? `WHERE ${conditions.join(" AND ")}` : "";
  return {
    countSql: `SELECT COUNT(*) AS count FROM appointments a ${where}`,
    pageSql: `${withParties} ${where} ORDER BY a.starts_at, a.id LIMIT ? OFFSET ?`,
    values,
  };
}

/**
 * One page of appointments in start order and the total count, read in one round trip; with
 * `callerId`, also that caller's `is_active` (null otherwise: for routes that read the caller's
 * profile anyway).
 */
export async function listAppointments(
  db: Database,
  filter: AppointmentFilter,
  callerId?: number,
): Promise<{ count: number; rows: AppointmentWithParties[]; callerActive: number | null }> {
  const { countSql, pageSql, values } = appointmentListQuery(filter);
  const [count, page, caller] = await db.batch([
    db.prepare(countSql).bind(...values),
    db.prepare(pageSql).bind(...values, filter.limit, filter.offset),
    ...(callerId === undefined ? [] : [callerActiveStatement(db, callerId)]),
  ]);
  return {
    count: (count?.results[0] as { count: number } | undefined)?.count ?? 0,
    rows: (page?.results ?? []) as AppointmentWithParties[],
    callerActive: callerActiveIn(caller),
  };
}

/**
 * Another live appointment of either party whose time range comes within `gap` seconds of
 * [start, end). Parameters: ?1 id to exclude, ?2 psychologist, ?3 patient, ?4 end, ?5 gap,
 * ?6 start. Writes embed it, so the check and the write are one statement.
 */
export const clashes = `
  SELECT o.psychologist_id, o.patient_id FROM appointments o
  WHERE o.status <> 'cancelled' AND o.id <> ?1
    AND (o.psychologist_id = ?2 OR o.patient_id = ?3)
    AND o.starts_at < ?4 + ?5 AND o.ends_at > ?6 - ?5`;

export type Slot = { psychologistId: number; patientId: number; startsAt: number; durationMinutes: number; gapSeconds: number };

function clashParams(slot: Slot, excludeId: number) {
  return [excludeId, slot.psychologistId, slot.patientId, slot.startsAt + slot.durationMinutes * 60, slot.gapSeconds, slot.startsAt];
}

/** The first appointment the slot clashes with, to tell the caller whose calendar is taken. */
export function findClash(db: Database, slot: Slot, excludeId = 0): Promise<{ psychologist_id: number; patient_id: number } | null> {
  return db
    .prepare(`${clashes} LIMIT 1`)
    .bind(...clashParams(slot, excludeId))
    .first();
}

export type NewAppointment = Slot & {
  sessionType: AppointmentRow["session_type"];
  serviceName: string | null;
  videoProvider: VideoProvider;
  /** The video room's name, where `{id}` stands for the new row's id; null without a room. */
  roomNameTemplate: string | null;
  now: number;
};

/**
 * Statements about a new appointment to commit in its booking's transaction (its notices), built
 * from the room name that finds it before the room is named after its id.
 */
export type WrittenWithBooking = (roomName: string) => D1PreparedStatement[];

/**
 * Inserts the appointment unless it clashes, writes `together` and names its video room after its
 * id, in one transaction: a clashing or failed booking leaves nothing half-written. Null on a
 * clash; otherwise the row and the results of `together`'s statements (none without a room).
 */
export async function insertAppointment(
  db: Database,
  booking: NewAppointment,
  together: WrittenWithBooking = () => [],
): Promise<{ row: AppointmentRow; together: D1Result[] } | null> {
  const alongside = booking.roomNameTemplate === null ? [] : together(booking.roomNameTemplate);
  const [inserted, ...rest] = await db.batch<AppointmentRow>([
    db
      .prepare(
        `INSERT INTO appointments (psychologist_id, patient_id, starts_at, duration_minutes, status, session_type,
           service_name, video_provider, video_room_id, created_at, updated_at)
         SELECT ?2, ?3, ?6, ?7, 'scheduled', ?8, ?9, ?10, ?11, ?12, ?12
         WHERE NOT EXISTS (${clashes})
         RETURNING *`,
      )
      .bind(
        ...clashParams(booking, 0),
        booking.durationMinutes,
        booking.sessionType,
        booking.serviceName,
        booking.videoProvider,
        booking.roomNameTemplate,
        booking.now,
      ),
    ...alongside,
    db
      .prepare("UPDATE appointments SET video_room_id = replace(video_room_id, '{id}', id) WHERE video_room_id = ? RETURNING *")
      .bind(booking.roomNameTemplate),
  ]);
  const named = rest.pop();
  const row = named?.results[0] ?? inserted?.results[0];
  return row ? { row, together: rest } : null;
}

/** The UPDATE moving an appointment unless the new slot clashes; returns no row on a clash or a concurrent change. */
export function rescheduleStatement(db: Database, id: number, slot: Slot, expectedStatus: AppointmentStatus, now: number) {
  return db
    .prepare(
      `UPDATE appointments SET starts_at = ?6, duration_minutes = ?7, updated_at = ?8
       WHERE id = ?1 AND status = ?9 AND NOT EXISTS (${clashes})
       RETURNING *`,
    )
    .bind(...clashParams(slot, id), slot.durationMinutes, now, expectedStatus);
}

/**
 * Moves an appointment from one status to another; null when it was no longer in `from`
 * (another request got there first), so transitions never apply twice.
 */
export function transitionStatus(...args: Parameters<typeof transitionStatement>) {
  return transitionStatement(...args).first<AppointmentRow>();
}

/** `transitionStatus`'s UPDATE, for a batch that must commit with it. */
export function transitionStatement(
  db: Database,
  id: number,
  from: AppointmentStatus[],
  to: AppointmentStatus,
  now: number,
  times: { startedAt?: number; endedAt?: number } = {},
) {
  return db
    .prepare(
      `UPDATE appointments SET status = ?1, updated_at = ?2,
         started_at = COALESCE(started_at, ?3), ended_at = COALESCE(ended_at, ?4)
       WHERE id = ?5 AND status IN (${from.map((_, i) => `?${i + 6}`).join(", ")})
       RETURNING *`,
    )
    .bind(to, now, times.startedAt ?? null, times.endedAt ?? null, id, ...from);
}

/** What a change's UPDATE makes of the appointment, known before it runs. */
export type ChangeOutcome = { status: AppointmentStatus; startsAt: number };

/**
 * Runs a change's one conditional UPDATE (RETURNING *): alone, or in one transaction with what must
 * be stored with it (its notices). Null when the UPDATE changed nothing.
 */
export type ApplyChange = (update: D1PreparedStatement, outcome: ChangeOutcome) => Promise<AppointmentRow | null>;

export const applyAlone: ApplyChange = (update) => update.first<AppointmentRow>();

/**
 * A user's telehealth sessions whose rooms may be open now (the join window, with a minute's
 * margin before it): the rooms their tokens and sockets can reach.
 */
export async function openSessionsOf(db: Database, userId: number, now: number): Promise<AppointmentRow[]> {
  const { results } = await db
    .prepare(
      `SELECT * FROM appointments
       WHERE (psychologist_id = ?1 OR patient_id = ?1) AND session_type = 'telehealth' AND video_room_id IS NOT NULL
         AND status IN ('scheduled', 'confirmed', 'ongoing')
         AND starts_at - ?3 <= ?2 AND ends_at + ?4 > ?2`,
    )
    .bind(userId, now, (joinOpensMinutesBefore + 1) * 60, joinClosesMinutesAfterEnd * 60)
    .all<AppointmentRow>();
  return results;
}
