-- On-site seizures (field_ops) become assets and controls; controls name who requested and who did them.
ALTER TABLE assets ADD COLUMN IF NOT EXISTS source text NOT NULL DEFAULT 'agency';  -- agency / on_site
ALTER TABLE assets ADD COLUMN IF NOT EXISTS description text;
ALTER TABLE controls ADD COLUMN IF NOT EXISTS origin text NOT NULL DEFAULT 'ruling';  -- ruling / on_site
ALTER TABLE controls ADD COLUMN IF NOT EXISTS requested_by text;
ALTER TABLE controls ADD COLUMN IF NOT EXISTS controlled_by text;
ALTER TABLE controls ADD COLUMN IF NOT EXISTS controller_kind text;
ALTER TABLE controls ADD COLUMN IF NOT EXISTS instruction_id text;

-- intake.case_assigned that arrived before intake.case_registered: dispatched when registration arrives.
ALTER TABLE search_cases ADD COLUMN IF NOT EXISTS pending_assignment jsonb;
