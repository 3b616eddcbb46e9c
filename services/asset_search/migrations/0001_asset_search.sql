-- asset_search's read models and operational tables (its own database).

-- What asset_search knows of each case from intake's events (tolerant reader).
CREATE TABLE IF NOT EXISTS search_cases (
    case_id          text PRIMARY KEY,
    court            text,
    case_number      text,
    claim_amount_fen bigint,
    respondent       jsonb,
    judge_id         text,
    team_id          text,
    closure_type     text,
    closed_on        date,
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS queries (
    query_id        text PRIMARY KEY,
    case_id         text NOT NULL,
    agency_id       text NOT NULL,
    agency_kind     text NOT NULL,
    round           integer NOT NULL,
    reason          text NOT NULL,
    status          text NOT NULL DEFAULT 'open',
    dispatched_at   timestamptz NOT NULL,
    due_at          timestamptz NOT NULL,
    delivered_at    timestamptz,
    first_answer_at timestamptz,
    completed_at    timestamptz,
    overdue         boolean NOT NULL DEFAULT false,
    late            boolean NOT NULL DEFAULT false,
    answers         integer NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS queries_case_idx ON queries (case_id);
CREATE INDEX IF NOT EXISTS queries_open_idx ON queries (due_at) WHERE status <> 'answered' AND NOT overdue;

-- Requests waiting to reach an agency (push: the delivery worker; pull: the agency takes them).
CREATE TABLE IF NOT EXISTS deliveries (
    request_id      text PRIMARY KEY,
    case_id         text NOT NULL,
    agency_id       text NOT NULL,
    channel         text NOT NULL,
    request_kind    text NOT NULL,
    ref_id          text NOT NULL,
    body            jsonb NOT NULL,
    status          text NOT NULL DEFAULT 'pending',
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    lease_until     timestamptz,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    delivered_at    timestamptz
);
CREATE INDEX IF NOT EXISTS deliveries_pending_idx ON deliveries (agency_id, created_at) WHERE status = 'pending';

CREATE TABLE IF NOT EXISTS assets (
    asset_id          text PRIMARY KEY,
    case_id           text NOT NULL,
    asset_kind        text NOT NULL,
    identifier        text NOT NULL,
    holder_id         text,
    holder_name       text,
    value_fen         bigint,
    location          text,
    encumbrances      jsonb NOT NULL DEFAULT '[]',
    existing_seizures jsonb NOT NULL DEFAULT '[]',
    agency_id         text NOT NULL,
    query_id          text NOT NULL,
    reports           integer NOT NULL DEFAULT 1,
    found_at          timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS assets_case_idx ON assets (case_id);

CREATE TABLE IF NOT EXISTS controls (
    control_id          text PRIMARY KEY,
    case_id             text NOT NULL,
    asset_id            text NOT NULL,
    asset_kind          text NOT NULL,
    measure             text NOT NULL,
    agency_id           text NOT NULL,
    status              text NOT NULL,
    amount_limit_fen    bigint,
    control_value_fen   bigint NOT NULL,
    judge_id            text NOT NULL,
    ruling_number       text NOT NULL,
    over_control_reason text,
    effective_date      date,
    expiry_date         date,
    amount_fen          bigint,
    queue_position      integer,
    renewal_pending     boolean NOT NULL DEFAULT false,
    ordered_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS controls_case_idx ON controls (case_id);
CREATE INDEX IF NOT EXISTS controls_expiry_idx ON controls (expiry_date) WHERE status = 'effective';

CREATE TABLE IF NOT EXISTS leads (
    lead_id      text PRIMARY KEY,
    case_id      text NOT NULL,
    urgent       boolean NOT NULL,
    description  text NOT NULL,
    asset_kind   text,
    target       text NOT NULL,
    region       text,
    due_date     date NOT NULL,
    status       text NOT NULL DEFAULT 'open',
    outcome      text,
    late         boolean,
    recorded_by  text NOT NULL,
    verified_by  text,
    recorded_at  timestamptz NOT NULL,
    verified_at  timestamptz
);
CREATE INDEX IF NOT EXISTS leads_case_idx ON leads (case_id);

-- Every raw payload an agency sent, kept as evidence with its hash.
CREATE TABLE IF NOT EXISTS evidence (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id     text NOT NULL,
    agency_id   text NOT NULL,
    ref_id      text NOT NULL,
    message_id  text NOT NULL,
    sha256      text NOT NULL,
    body        bytea NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS evidence_case_idx ON evidence (case_id);

-- Runtime state per agency: the pause switch and the circuit breaker.
CREATE TABLE IF NOT EXISTS agency_state (
    agency_id            text PRIMARY KEY,
    paused               boolean NOT NULL DEFAULT false,
    paused_by            text,
    pause_reason         text,
    paused_at            timestamptz,
    consecutive_failures integer NOT NULL DEFAULT 0,
    open_until           timestamptz,
    last_error           text,
    last_success_at      timestamptz,
    last_failure_at      timestamptz
);

-- Fixed-window request counters per agency (shared by every instance).
CREATE TABLE IF NOT EXISTS agency_rate (
    agency_id    text NOT NULL,
    window_start bigint NOT NULL,
    count        integer NOT NULL,
    PRIMARY KEY (agency_id, window_start)
);

-- 终本规定 art. 9: re-search every 6 months for 5 years after 终本.
CREATE TABLE IF NOT EXISTS research_schedule (
    case_id     text PRIMARY KEY,
    closed_on   date NOT NULL,
    due_dates   date[] NOT NULL,
    base_round  integer NOT NULL DEFAULT 0,
    next_index  integer NOT NULL DEFAULT 0,
    stopped     boolean NOT NULL DEFAULT false
);
