-- Deadline steps (reminders, overdue, escalation levels) recorded once by the live scanner, and the
-- notification outbox the dispatcher sends to the gateway. Neither is a projection of the log: a
-- rebuild leaves both alone (they record side effects that happened), so it sends nothing again.

CREATE TABLE IF NOT EXISTS deadline_steps (
    step_id      uuid        PRIMARY KEY,
    case_id      text        NOT NULL,
    key          text        NOT NULL,
    node         text        NOT NULL,
    court        text        NOT NULL,
    due          date        NOT NULL,
    step         text        NOT NULL,  -- warning / overdue / level_1 .. level_4
    level        integer     NOT NULL,
    days_overdue integer     NOT NULL,
    judge_id     text,
    team_id      text,
    as_of        date        NOT NULL,
    event_id     uuid,                  -- the supervision.* event announcing it (none for a warning)
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (case_id, key, due, step)
);
CREATE INDEX IF NOT EXISTS deadline_steps_court_idx ON deadline_steps (court, recorded_at);

CREATE TABLE IF NOT EXISTS notification_outbox (
    id              bigserial   PRIMARY KEY,
    notification_id uuid        NOT NULL UNIQUE,
    step_id         uuid        NOT NULL REFERENCES deadline_steps (step_id),
    case_id         text        NOT NULL,
    court           text        NOT NULL,
    recipient_role  text        NOT NULL,
    recipient_id    text,
    message         jsonb       NOT NULL,
    status          text        NOT NULL DEFAULT 'pending',  -- pending / sent / failed
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE INDEX IF NOT EXISTS notification_outbox_due_idx ON notification_outbox (next_attempt_at, id)
    WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS notification_outbox_case_idx ON notification_outbox (case_id);
