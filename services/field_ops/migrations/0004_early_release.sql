-- Early release from detention (民诉法解释 art. 182): the president's approval recorded in intake
-- (intake.measure_early_release_approved); field_ops records an early release only after it.

ALTER TABLE fo_measures ADD COLUMN IF NOT EXISTS early_release_approved_on date;
ALTER TABLE fo_measures ADD COLUMN IF NOT EXISTS early_release_approved_by text;
