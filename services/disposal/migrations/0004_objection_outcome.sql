-- A third-party objection's outcome and the day it was decided (intake.objection_decided): a rejection
-- bars disposal of the asset for 15 days more (民诉法解释 art. 463), a withdrawal does not. Rows
-- decided before this migration keep status 'closed' (rejected or withdrawn, day unknown: no hold).
ALTER TABLE asset_objections ADD COLUMN IF NOT EXISTS decided_on date;
