-- The officer who requested a control (asset_search's requested_by, or the judge of a field seizure):
-- with controlled_by, the people who controlled the asset (互相制约-4).
ALTER TABLE asset_controls ADD COLUMN IF NOT EXISTS requested_by text;
