-- The audit trail: every event of every case in log order, with a per-case hash chain.

CREATE TABLE IF NOT EXISTS audit_trail (
    case_id        text        NOT NULL,
    seq            integer     NOT NULL,
    event_id       uuid        NOT NULL UNIQUE,
    event_type     text        NOT NULL,
    schema_version integer     NOT NULL,
    producer       text        NOT NULL,
    stream_id      text        NOT NULL,
    stream_version integer     NOT NULL,
    actor_kind     text        NOT NULL,
    actor_id       text        NOT NULL,
    actor_name     text,
    actor_role     text,
    court          text        NOT NULL,
    occurred_at    timestamptz NOT NULL,
    recorded_at    timestamptz NOT NULL,
    correlation_id text        NOT NULL,
    causation_id   text,
    summary        text        NOT NULL,
    payload        jsonb       NOT NULL,
    kafka_partition integer    NOT NULL,
    kafka_offset   bigint      NOT NULL,
    prev_hash      bytea       NOT NULL,
    hash           bytea       NOT NULL,
    PRIMARY KEY (case_id, seq)
);
CREATE INDEX IF NOT EXISTS audit_trail_actor_idx ON audit_trail (actor_id, occurred_at);

CREATE TABLE IF NOT EXISTS case_heads (
    case_id   text PRIMARY KEY,
    last_seq  integer NOT NULL,
    last_hash bytea   NOT NULL
);
