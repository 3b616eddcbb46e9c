-- Open cases per judge, kept by the database as the cases read model changes (same transaction),
-- so that least-loaded assignment reads a few rows instead of grouping the court's whole history.
-- "Open" is services/intake/reads.py OPEN_STATUSES; keep the two lists equal.

CREATE TABLE IF NOT EXISTS judge_open_cases (
    court      text    NOT NULL,
    judge_id   text    NOT NULL,
    open_cases integer NOT NULL DEFAULT 0,
    PRIMARY KEY (court, judge_id)
);

CREATE OR REPLACE FUNCTION intake_case_is_open(status text) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT status IN ('registered', 'in_progress', 'suspended', 'postponed', 'closure_proposed') $$;

CREATE OR REPLACE FUNCTION intake_count_judge_load() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    old_court text;
    old_judge text;
    new_court text;
    new_judge text;
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.judge_id IS NOT NULL AND intake_case_is_open(OLD.status) THEN
        old_court := OLD.court;
        old_judge := OLD.judge_id;
    END IF;
    IF NEW.judge_id IS NOT NULL AND intake_case_is_open(NEW.status) THEN
        new_court := NEW.court;
        new_judge := NEW.judge_id;
    END IF;
    IF old_judge IS NOT DISTINCT FROM new_judge AND old_court IS NOT DISTINCT FROM new_court THEN
        RETURN NULL;
    END IF;
    -- both rows in one statement, in key order: two re-assignments in opposite directions cannot deadlock
    INSERT INTO judge_open_cases AS j (court, judge_id, open_cases)
    SELECT d.court, d.judge_id, sum(d.delta)
      FROM (VALUES (old_court, old_judge, -1), (new_court, new_judge, 1)) AS d(court, judge_id, delta)
     WHERE d.judge_id IS NOT NULL
     GROUP BY d.court, d.judge_id
     ORDER BY d.court, d.judge_id
    ON CONFLICT (court, judge_id) DO UPDATE SET open_cases = j.open_cases + EXCLUDED.open_cases;
    RETURN NULL;
END
$$;

-- no writer may slip between the backfill and the trigger
LOCK TABLE cases IN SHARE ROW EXCLUSIVE MODE;

DROP TRIGGER IF EXISTS cases_judge_load ON cases;
CREATE TRIGGER cases_judge_load AFTER INSERT OR UPDATE OF status, judge_id, court ON cases
    FOR EACH ROW EXECUTE FUNCTION intake_count_judge_load();

INSERT INTO judge_open_cases (court, judge_id, open_cases)
SELECT court, judge_id, count(*) FROM cases
 WHERE judge_id IS NOT NULL AND intake_case_is_open(status)
 GROUP BY court, judge_id
ON CONFLICT (court, judge_id) DO UPDATE SET open_cases = EXCLUDED.open_cases;
