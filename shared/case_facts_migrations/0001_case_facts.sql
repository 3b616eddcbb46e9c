-- What a service knows of a case from intake's events (shared/case_facts.py keeps it): one table,
-- the same columns in every service that needs a case's court, number, judge, team and closure.
CREATE TABLE IF NOT EXISTS case_facts (
    case_id          text PRIMARY KEY,
    court            text,
    updated_at       timestamptz NOT NULL DEFAULT now()
);
-- Added one by one so that a service whose own case_facts table came first (disposal) gets the rest.
ALTER TABLE case_facts ADD COLUMN IF NOT EXISTS case_number          text;
ALTER TABLE case_facts ADD COLUMN IF NOT EXISTS case_type            text;
ALTER TABLE case_facts ADD COLUMN IF NOT EXISTS claim_amount_fen     bigint;
ALTER TABLE case_facts ADD COLUMN IF NOT EXISTS respondent           jsonb;
ALTER TABLE case_facts ADD COLUMN IF NOT EXISTS registered_by        text;
ALTER TABLE case_facts ADD COLUMN IF NOT EXISTS registered_on        date;
ALTER TABLE case_facts ADD COLUMN IF NOT EXISTS performance_deadline date;
ALTER TABLE case_facts ADD COLUMN IF NOT EXISTS basis_effective_date date;
ALTER TABLE case_facts ADD COLUMN IF NOT EXISTS judge_id             text;
ALTER TABLE case_facts ADD COLUMN IF NOT EXISTS team_id              text;
ALTER TABLE case_facts ADD COLUMN IF NOT EXISTS closure_type         text;
ALTER TABLE case_facts ADD COLUMN IF NOT EXISTS closed_on            date;
ALTER TABLE case_facts ADD COLUMN IF NOT EXISTS closed               boolean NOT NULL DEFAULT false;
