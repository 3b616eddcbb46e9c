-- Detention (司法拘留) carried out by the field centre: the approved decisions field_ops knows of (from
-- intake's measure events), the proposal and task that carry one out.

CREATE TABLE IF NOT EXISTS fo_measures (
    measure_id      text PRIMARY KEY,
    case_id         text NOT NULL,
    court           text NOT NULL,
    decision_number text NOT NULL,
    detention_days  integer NOT NULL,
    judge_id        text NOT NULL,
    approved_by     text NOT NULL,
    revoked         boolean NOT NULL DEFAULT false,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE fo_proposals ADD COLUMN IF NOT EXISTS measure_id text;
ALTER TABLE fo_tasks ADD COLUMN IF NOT EXISTS measure_id text;
