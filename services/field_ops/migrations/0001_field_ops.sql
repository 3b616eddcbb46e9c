-- field_ops's read models: what it knows of cases (from intake's events), proposals waiting for
-- the judge, and one row per instruction/task (maintained in the same transaction as its events).

CREATE TABLE IF NOT EXISTS fo_cases (
    case_id      text PRIMARY KEY,
    court        text,
    case_number  text,
    judge_id     text,
    judge_team_id text,
    closed       boolean NOT NULL DEFAULT false,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS fo_proposals (
    proposal_id       text PRIMARY KEY,
    case_id           text NOT NULL,
    court             text NOT NULL,
    kind              text NOT NULL,
    target            jsonb,
    region            text,
    reason            text NOT NULL,
    lead_id           text,
    document_hash     text,
    source_event_type text NOT NULL,
    source_event_id   text NOT NULL,
    status            text NOT NULL DEFAULT 'open',
    instruction_id    text,
    received_at       timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS fo_proposals_case_idx ON fo_proposals (case_id, received_at);

CREATE TABLE IF NOT EXISTS fo_tasks (
    task_id        text PRIMARY KEY,
    instruction_id text NOT NULL UNIQUE,
    case_id        text NOT NULL,
    court          text NOT NULL,
    kind           text NOT NULL,
    target         jsonb NOT NULL,
    region         text NOT NULL,
    region_name    text NOT NULL,
    deadline       date NOT NULL,
    notes          text,
    judge_id       text NOT NULL,
    proposal_id    text,
    team_id        text NOT NULL,
    team_name      text NOT NULL,
    status         text NOT NULL,
    assignee       text,
    attempts       integer NOT NULL DEFAULT 0,
    outcome        text,
    late           boolean NOT NULL DEFAULT false,
    return_reason  text,
    issued_at      timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    version        integer NOT NULL
);
CREATE INDEX IF NOT EXISTS fo_tasks_team_idx ON fo_tasks (court, team_id, status, deadline);
CREATE INDEX IF NOT EXISTS fo_tasks_case_idx ON fo_tasks (case_id, issued_at);
