-- A case's facts now live in the shared case_facts table (shared/case_facts.py, created by
-- shared/case_facts_migrations before this file): copy what fo_cases knew and retire it.
INSERT INTO case_facts (case_id, court, case_number, judge_id, team_id, closed)
SELECT case_id, court, case_number, judge_id, judge_team_id, closed FROM fo_cases
ON CONFLICT (case_id) DO NOTHING;
DROP TABLE fo_cases;
