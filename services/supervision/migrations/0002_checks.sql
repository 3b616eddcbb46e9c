-- Findings (互相制约), deadline states, the holiday schedules administrators load, rebuild runs.

ALTER TABLE audit_trail ADD COLUMN IF NOT EXISTS actor_court text;
CREATE INDEX IF NOT EXISTS audit_trail_court_type_idx ON audit_trail (court, event_type);

CREATE TABLE IF NOT EXISTS findings (
    finding_id   uuid        PRIMARY KEY,
    rule_id      text        NOT NULL,
    rule_version integer     NOT NULL,
    case_id      text        NOT NULL,
    court        text        NOT NULL,
    people       text[]      NOT NULL,
    event_ids    text[]      NOT NULL,
    message      text        NOT NULL,
    raised_at    timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS findings_case_idx ON findings (case_id);
CREATE INDEX IF NOT EXISTS findings_court_idx ON findings (court, raised_at);

CREATE TABLE IF NOT EXISTS deadlines (
    case_id            text    NOT NULL,
    key                text    NOT NULL,
    node               text    NOT NULL,
    court              text    NOT NULL,
    judge_id           text,
    team_id            text,
    title              text    NOT NULL,
    source             text    NOT NULL,
    start_date         date    NOT NULL,
    start_event_id     text,
    due                date,
    completed_on       date,
    completed_event_id text,
    explanation        jsonb   NOT NULL,
    fallback_calendar  boolean NOT NULL,
    paused             boolean NOT NULL,
    PRIMARY KEY (case_id, key)
);
CREATE INDEX IF NOT EXISTS deadlines_open_idx ON deadlines (court, due) WHERE completed_on IS NULL;

CREATE TABLE IF NOT EXISTS holiday_years (
    year      integer     PRIMARY KEY,
    holidays  date[]      NOT NULL,
    workdays  date[]      NOT NULL,
    loaded_by text        NOT NULL,
    loaded_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS rebuild_runs (
    run_id      uuid        PRIMARY KEY,
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    status      text        NOT NULL,
    report      jsonb       NOT NULL DEFAULT '{}'::jsonb
);

-- The rebuild's swap reads the live consumer's position per partition from the inbox.
CREATE INDEX IF NOT EXISTS inbox_position_idx ON inbox (topic, partition, kafka_offset);
