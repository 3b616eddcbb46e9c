-- Each case's indicator inputs (services/supervision/indicators/figures.py CaseFacts), kept as the trail
-- is written: the live reaction and the rebuild's checks pass compute them with the case's findings and
-- deadlines from its whole trail (trail/checks.py), and the rebuild's digest covers them. The 质效指标
-- (GET /indicators …) are counted from this table by PostgreSQL instead of folding the trail on every
-- read (bench phase 7: ~8 s over a year of 100,000 cases).
CREATE TABLE IF NOT EXISTS indicator_facts (
    case_id              text    PRIMARY KEY,
    court                text    NOT NULL,
    case_type            text,
    track                text,
    team_id              text,
    judge_id             text,
    registered_on        date,
    claim_fen            numeric NOT NULL,
    recovered_fen        numeric NOT NULL,
    settlement_performed boolean NOT NULL,
    closure_type         text,
    closed_on            date,
    approved_by          text,
    conditions           jsonb   NOT NULL,
    close_due            date,
    zhongben_finding     boolean NOT NULL
);
CREATE INDEX IF NOT EXISTS indicator_facts_court_idx ON indicator_facts (court);

-- A database that had a trail before this table existed gets its rows once, from the trail, at the
-- next start (services/supervision/indicators/store.py backfill).
CREATE TABLE IF NOT EXISTS pending_backfills (name text PRIMARY KEY);
INSERT INTO pending_backfills (name) VALUES ('indicator_facts') ON CONFLICT DO NOTHING;

-- The partial index of migration 0007 served the fold this table replaces: the trail no longer keeps it.
DROP INDEX IF EXISTS audit_trail_facts_idx;
