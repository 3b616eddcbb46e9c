-- Event store, transactional outbox, inbox, dead letters and idempotency keys.
-- One copy of these tables lives in every service's own database.

CREATE TABLE IF NOT EXISTS events (
    position        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id        uuid        NOT NULL UNIQUE,
    stream_id       text        NOT NULL,
    stream_version  integer     NOT NULL CHECK (stream_version >= 1),
    case_id         text        NOT NULL,
    event_type      text        NOT NULL,
    schema_version  integer     NOT NULL,
    occurred_at     timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL,
    envelope        jsonb       NOT NULL,
    UNIQUE (stream_id, stream_version)
);
CREATE INDEX IF NOT EXISTS events_case_idx ON events (case_id, position);

-- Rows wait here until the relay has published them; the relay deletes what Kafka acknowledged.
CREATE TABLE IF NOT EXISTS outbox (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id   text  NOT NULL,
    event_id  uuid  NOT NULL,
    message   bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Consumed event ids, recorded in the same transaction as their effect.
CREATE TABLE IF NOT EXISTS inbox (
    event_id     uuid PRIMARY KEY,
    event_type   text NOT NULL,
    case_id      text NOT NULL,
    topic        text NOT NULL,
    partition    integer NOT NULL,
    kafka_offset bigint NOT NULL,
    outcome      text NOT NULL DEFAULT 'applied',
    processed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS dead_letters (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id     uuid,
    event_type   text,
    case_id      text,
    topic        text NOT NULL,
    partition    integer NOT NULL,
    kafka_offset bigint NOT NULL,
    error        text NOT NULL,
    attempts     integer NOT NULL,
    raw          bytea,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS idempotency_keys (
    principal     text NOT NULL,
    key           text NOT NULL,
    request_hash  text NOT NULL,
    status_code   integer,
    response      jsonb,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (principal, key)
);
