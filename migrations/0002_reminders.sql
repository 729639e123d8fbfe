-- The reminder ledger: one row per message we owe someone, written before anything is sent, so
-- every reminder and notice is sent at most once and every one not sent says why.
-- Times are unix seconds (UTC).
CREATE TABLE reminders (
  id                  INTEGER PRIMARY KEY AUTOINCREMENT,
  appointment_id      INTEGER NOT NULL REFERENCES appointments (id),
  recipient_id        INTEGER NOT NULL REFERENCES users (id),
  channel             TEXT    NOT NULL CHECK (channel IN ('whatsapp', 'email')),
  -- 'reminder' before the session; the others are notices sent as soon as the change happens.
  kind                TEXT    NOT NULL CHECK (kind IN ('reminder', 'booked', 'rescheduled', 'cancelled')),
  -- A reminder's lead time in minutes (REMINDER_OFFSETS); 0 for notices.
  offset_minutes      INTEGER NOT NULL DEFAULT 0,
  -- The appointment start this message is about: a reschedule makes new rows, never reuses old ones.
  starts_at           INTEGER NOT NULL,
  -- The appointment's calendar-invite revision when the row was written (ICS SEQUENCE on notices):
  -- moving a session away and back again makes new rows rather than reusing the old start's.
  sequence            INTEGER NOT NULL DEFAULT 0,
  previous_starts_at  INTEGER,
  due_at              INTEGER NOT NULL,
  status              TEXT    NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
  skip_reason         TEXT,
  attempts            INTEGER NOT NULL DEFAULT 0,
  -- When the row was last put on the queue (0: never); a retry sets it to the retry's time.
  queued_at           INTEGER NOT NULL DEFAULT 0,
  -- A 'sending' claim is the claimant's until then; afterwards anyone may claim the row again.
  lease_until         INTEGER NOT NULL DEFAULT 0,
  provider_message_id TEXT,
  -- What the provider reported later (Twilio status callbacks): delivered, read, failed, undelivered.
  delivery_status     TEXT,
  -- Provider and error codes only: never message text, addresses or numbers.
  last_error          TEXT,
  sent_at             INTEGER,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL,
  CHECK (status <> 'skipped' OR skip_reason IS NOT NULL),
  -- Exactly once: the cron, the booking hooks and redelivered messages all insert OR IGNORE on this.
  -- Column order serves the cron's "already planned?" probe (appointment, start, kind, offset).
  UNIQUE (appointment_id, starts_at, kind, offset_minutes, sequence, recipient_id, channel)
);

-- The rows still to send, oldest queue time first: the cron's sweep for rows never enqueued or lost.
CREATE INDEX reminders_open ON reminders (queued_at) WHERE status IN ('pending', 'sending');
-- Twilio status callbacks find their row by the message SID.
CREATE INDEX reminders_provider_message ON reminders (provider_message_id) WHERE provider_message_id IS NOT NULL;

-- The calendar invite's revision per appointment: bumped on every reschedule and on cancel, so
-- calendars apply the newest invite and ignore older ones.
CREATE TABLE appointment_invites (
  appointment_id INTEGER PRIMARY KEY REFERENCES appointments (id),
  sequence       INTEGER NOT NULL DEFAULT 0,
  updated_at     INTEGER NOT NULL
);

-- Local development without provider credentials: what would have been sent, shown by
-- GET /api/admin/outbox. `payload` is the provider request we would have made, minus credentials.
CREATE TABLE outbox (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  reminder_id INTEGER NOT NULL REFERENCES reminders (id),
  channel     TEXT    NOT NULL CHECK (channel IN ('whatsapp', 'email')),
  recipient   TEXT    NOT NULL,
  subject     TEXT,
  body        TEXT    NOT NULL,
  payload     TEXT    NOT NULL,
  created_at  INTEGER NOT NULL
);
