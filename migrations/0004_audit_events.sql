-- Who did what to which appointment: reads of health data, bookings, changes, tokens issued or
-- refused, room joins and leaves, reminder outcomes, user syncs and revocations. Ids and short
-- codes only, never names, contact data, tokens or message text. The app only inserts, and the
-- cron deletes rows past AUDIT_RETENTION_DAYS; the triggers below refuse any UPDATE.
-- Times are unix seconds (UTC).
CREATE TABLE audit_events (
  id              INTEGER PRIMARY KEY,
  at              INTEGER NOT NULL,
  -- NULL when no user acted: the cron, the queue, a provider's webhook.
  actor_id        INTEGER,
  -- admin, psychologist, patient, or system.
  actor_role      TEXT    NOT NULL,
  -- A short verb: appointment.read, token.issued, reminder.sent, ...
  action          TEXT    NOT NULL,
  appointment_id  INTEGER,
  -- The user the action was about, when that is not the actor (a synced user, a reminder's recipient).
  subject_user_id INTEGER,
  -- ok, or a refusal's or skip's short code (an HTTP status and reason), never free text.
  outcome         TEXT    NOT NULL
);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
  SELECT RAISE(ABORT, 'audit_events is append-only');
END;

-- The admin API's filters, newest first; `at` alone serves the time range and the retention delete.
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_appointment ON audit_events (appointment_id, at);
CREATE INDEX audit_events_actor ON audit_events (actor_id, at);
CREATE INDEX audit_events_action ON audit_events (action, at);
