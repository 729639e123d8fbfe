-- Idempotency-Key on the create endpoints (POST /api/appointments/, POST /api/v1/video/video-calls/):
-- one row per caller and key, claimed before the request runs, so that two requests with the same
-- key cannot both book, then holding the first success to answer retries with. Rows live 24 hours.
-- Times are unix seconds (UTC).
CREATE TABLE idempotency_keys (
  -- The caller's user id: each caller's keys are their own, and one caller never sees another's answer.
  user_id         INTEGER NOT NULL,
  idempotency_key TEXT    NOT NULL,
  -- SHA-256 (hex) of the method, path and body: the same key sent with another request is refused.
  request_hash    TEXT    NOT NULL,
  -- Both NULL while the first request runs; then its successful answer, replayed as it was.
  response_status INTEGER,
  response_body   TEXT,
  -- A running claim is its request's until then; afterwards (that request died) a retry may claim the key.
  lease_until     INTEGER NOT NULL,
  created_at      INTEGER NOT NULL,
  PRIMARY KEY (user_id, idempotency_key),
  CHECK ((response_status IS NULL) = (response_body IS NULL))
);

-- The cron's pruning of keys past their 24 hours.
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
