-- Intake's read models for the whole workflow (applications, routing, lifecycle) and its own
-- projections of other services' events (tolerant reader: only the fields intake needs).

ALTER TABLE cases ALTER COLUMN case_number DROP NOT NULL;
ALTER TABLE cases ADD COLUMN IF NOT EXISTS applicant_id text;
ALTER TABLE cases ADD COLUMN IF NOT EXISTS registered_on date;
ALTER TABLE cases ADD COLUMN IF NOT EXISTS decide_by date;
ALTER TABLE cases ADD COLUMN IF NOT EXISTS supplement_deadline date;
ALTER TABLE cases ADD COLUMN IF NOT EXISTS missing jsonb NOT NULL DEFAULT '[]';
ALTER TABLE cases ADD COLUMN IF NOT EXISTS track text;
ALTER TABLE cases ADD COLUMN IF NOT EXISTS judge_id text;
ALTER TABLE cases ADD COLUMN IF NOT EXISTS team_id text;
ALTER TABLE cases ADD COLUMN IF NOT EXISTS closure_type text;
ALTER TABLE cases ADD COLUMN IF NOT EXISTS closed_on date;
ALTER TABLE cases ADD COLUMN IF NOT EXISTS linked_case_id text;
ALTER TABLE cases ADD COLUMN IF NOT EXISTS resumed_as text;
ALTER TABLE cases ADD COLUMN IF NOT EXISTS paid_in_full boolean NOT NULL DEFAULT false;
ALTER TABLE cases ADD COLUMN IF NOT EXISTS updated_at timestamptz;
CREATE INDEX IF NOT EXISTS cases_court_status_idx ON cases (court, status);
CREATE INDEX IF NOT EXISTS cases_judge_idx ON cases (judge_id) WHERE judge_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS cases_applicant_idx ON cases (applicant_id);

-- Everyone who acted on a case, in any service (互相制约-7/8: reviewers must not be among them).
CREATE TABLE IF NOT EXISTS case_actors (
    case_id    text NOT NULL,
    officer_id text NOT NULL,
    role       text,
    first_event_type text NOT NULL,
    PRIMARY KEY (case_id, officer_id)
);

-- asset_search.query_dispatched / agency_answered
CREATE TABLE IF NOT EXISTS ext_queries (
    case_id     text NOT NULL,
    query_id    text NOT NULL,
    agency_id   text,
    agency_kind text,
    outcome     text,
    PRIMARY KEY (case_id, query_id)
);

-- asset_search.lead_recorded / lead_verified
CREATE TABLE IF NOT EXISTS ext_leads (
    case_id  text NOT NULL,
    lead_id  text NOT NULL,
    verified boolean NOT NULL DEFAULT false,
    outcome  text,
    PRIMARY KEY (case_id, lead_id)
);

-- asset_search.asset_found / deduction_confirmed, field_ops.asset_seized_on_site,
-- disposal.disposal_decided / auction_ended / disposal_concluded
CREATE TABLE IF NOT EXISTS ext_assets (
    case_id       text NOT NULL,
    asset_id      text NOT NULL,
    asset_kind    text,
    resolution    text,          -- deducted / sold / direct_sale / offset_in_kind / released
    unsold_rounds integer NOT NULL DEFAULT 0,
    PRIMARY KEY (case_id, asset_id)
);
CREATE TABLE IF NOT EXISTS ext_disposals (
    case_id     text NOT NULL,
    disposal_id text NOT NULL,
    asset_id    text NOT NULL,
    PRIMARY KEY (case_id, disposal_id)
);
CREATE TABLE IF NOT EXISTS ext_auctions (
    case_id     text NOT NULL,
    auction_id  text NOT NULL,
    disposal_id text,
    asset_id    text,
    PRIMARY KEY (case_id, auction_id)
);

-- field_ops.task_reported
CREATE TABLE IF NOT EXISTS ext_field_reports (
    case_id text NOT NULL,
    task_id text NOT NULL,
    outcome text,
    PRIMARY KEY (case_id, task_id)
);
