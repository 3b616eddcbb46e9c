-- Issue 18. The notification outbox also carries the next node pushed when a step completes and the
-- one-time codes of the parties' look-up (执行公开): neither belongs to a deadline step. Every row
-- stays as the case's record of the messages sent (GET /cases/{id}/messages).
ALTER TABLE notification_outbox ALTER COLUMN step_id DROP NOT NULL;
ALTER TABLE notification_outbox DROP CONSTRAINT IF EXISTS notification_outbox_step_id_fkey;

-- One-time codes of the parties' look-up: only hashes are kept (of the code and of the ID number).
CREATE TABLE IF NOT EXISTS lookup_codes (
    id          bigserial   PRIMARY KEY,
    case_id     text        NOT NULL,
    case_number text        NOT NULL,
    party       text        NOT NULL,  -- applicant / respondent
    id_hash     text        NOT NULL,
    code_hash   text        NOT NULL,
    expires_at  timestamptz NOT NULL,
    attempts    integer     NOT NULL DEFAULT 0,
    used_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS lookup_codes_key_idx ON lookup_codes (case_number, id_hash, id DESC);

-- Fixed-window counters of the look-up's rate limits (per case number, per client address).
CREATE TABLE IF NOT EXISTS lookup_rate (
    bucket       text        NOT NULL,
    window_start timestamptz NOT NULL,
    hits         integer     NOT NULL DEFAULT 0,
    PRIMARY KEY (bucket, window_start)
);
