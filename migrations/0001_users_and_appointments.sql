-- Users are synced from the practice platform: `id` is the platform's user id, not ours.
CREATE TABLE users (
  id              INTEGER PRIMARY KEY CHECK (id > 0),
  email           TEXT    NOT NULL,
  name            TEXT    NOT NULL DEFAULT '',
  role            TEXT    NOT NULL CHECK (role IN ('patient', 'psychologist', 'admin')),
  phone           TEXT,
  timezone        TEXT    NOT NULL,
  whatsapp_opt_in INTEGER NOT NULL DEFAULT 0 CHECK (whatsapp_opt_in IN (0, 1)),
  email_opt_in    INTEGER NOT NULL DEFAULT 1 CHECK (email_opt_in IN (0, 1)),
  is_active       INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);

-- One table is the single source of truth for sessions on both video providers.
-- Times are unix seconds (UTC); `ends_at` is derived so overlap checks can use an index.
CREATE TABLE appointments (
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
  video_provider   TEXT    NOT NULL CHECK (video_provider IN ('twilio', 'agora')),
  video_room_id    TEXT    UNIQUE,
  started_at       INTEGER,
  ended_at         INTEGER,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  CHECK (psychologist_id <> patient_id)
);

-- Each party's list, schedule and overlap check: equality on the party, range on the start.
CREATE INDEX appointments_psychologist_start ON appointments (psychologist_id, starts_at);
CREATE INDEX appointments_patient_start ON appointments (patient_id, starts_at);
-- The admin list and time-driven scans (reminders, reconciliation).
CREATE INDEX appointments_start ON appointments (starts_at);
