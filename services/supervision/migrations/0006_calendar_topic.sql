-- The holiday years as loaded on the calendar topic (shared/calendar_topic.py): supervision's table
-- is its copy of the topic, with who loaded a year, why and from which publication.
ALTER TABLE holiday_years ADD COLUMN IF NOT EXISTS source   text NOT NULL DEFAULT '';
ALTER TABLE holiday_years ADD COLUMN IF NOT EXISTS reason   text NOT NULL DEFAULT '';
ALTER TABLE holiday_years ADD COLUMN IF NOT EXISTS event_id uuid;
