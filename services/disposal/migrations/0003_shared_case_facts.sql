-- disposal's case_facts table is now the shared one (shared/case_facts.py), whose migration added
-- the shared columns before this file. The interest start date (``deadline``) is derived at read
-- time from the basis's dates now: keep what was known, then drop the column.
ALTER TABLE case_facts ADD COLUMN IF NOT EXISTS deadline date;  -- absent on a database created after the change
UPDATE case_facts SET performance_deadline = deadline WHERE deadline IS NOT NULL AND performance_deadline IS NULL;
ALTER TABLE case_facts DROP COLUMN deadline;
