-- A case's facts now live in the shared case_facts table (shared/case_facts.py, created by
-- shared/case_facts_migrations before this file): copy what search_cases knew, keep the parked
-- assignments in a table of their own, and retire search_cases.
INSERT INTO case_facts (case_id, court, case_number, claim_amount_fen, respondent, judge_id, team_id,
                        closure_type, closed_on, closed)
SELECT case_id, court, case_number, claim_amount_fen, respondent, judge_id, team_id, closure_type, closed_on,
       closure_type IS NOT NULL
FROM search_cases
ON CONFLICT (case_id) DO NOTHING;

-- intake.case_assigned that arrived before intake.case_registered: dispatched when registration arrives.
CREATE TABLE IF NOT EXISTS search_pending (
    case_id           text PRIMARY KEY,
    assigned_event_id text NOT NULL
);
INSERT INTO search_pending (case_id, assigned_event_id)
SELECT case_id, pending_assignment->>'event_id' FROM search_cases
WHERE pending_assignment ? 'event_id'
ON CONFLICT (case_id) DO NOTHING;

DROP TABLE search_cases;
