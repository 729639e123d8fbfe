-- The built-in provider, 'webrtc': two browsers connected directly, signalled through the room's
-- Durable Object. SQLite cannot change a CHECK constraint in place, so the table is rebuilt with
-- the same columns, rows, ids and indexes. Reminder rows point at appointments: their foreign keys
-- are checked when this migration's transaction commits, by which time the rows are back.
PRAGMA defer_foreign_keys = true;

CREATE TABLE appointments_rebuilt (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  psychologist_id  INTEGER NOT NULL REFERENCES users (id),
  patient_id       INTEGER NOT NULL REFERENCES users (id),
  starts_at        INTEGER NOT NULL,
  duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 1 AND 1440),
  ends_at          INTEGER GENERATED ALWAYS AS (starts_at + duration_minutes * 60) VIRTUAL,
  status           TEXT    NOT NULL DEFAULT 'scheduled'
                   CHECK (status IN ('scheduled', 'confirmed', 'ongoing', 'completed', 'cancelled')),
  session_type     TEXT    NOT NULL CHECK (session_type IN ('telehealth', 'in_person')),
  service_name     TEXT,
  video_provider   TEXT    NOT NULL CHECK (video_provider IN ('twilio', 'agora', 'webrtc')),
  video_room_id    TEXT    UNIQUE,
  started_at       INTEGER,
  ended_at         INTEGER,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  CHECK (psychologist_id <> patient_id)
);

INSERT INTO appointments_rebuilt (id, psychologist_id, patient_id, starts_at, duration_minutes, status, session_type,
  service_name, video_provider, video_room_id, started_at, ended_at, created_at, updated_at)
SELECT id, psychologist_id, patient_id, starts_at, duration_minutes, status, session_type,
  service_name, video_provider, video_room_id, started_at, ended_at, created_at, updated_at
FROM appointments;

DROP TABLE appointments;
ALTER TABLE appointments_rebuilt RENAME TO appointments;

CREATE INDEX appointments_psychologist_start ON appointments (psychologist_id, starts_at);
CREATE INDEX appointments_patient_start ON appointments (patient_id, starts_at);
CREATE INDEX appointments_start ON appointments (starts_at);
