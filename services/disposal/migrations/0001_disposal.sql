-- Disposal's read models. The first four are fed by other services' events (consumer.py), the
-- last by disposal's own events in the same transaction as their append (projections.py).

-- From intake.case_registered / intake.case_assigned / intake.case_closed.
CREATE TABLE IF NOT EXISTS case_facts (
    case_id          text PRIMARY KEY,
    court            text,
    case_number      text,
    claim_amount_fen bigint,
    deadline         date,          -- performance deadline (or effective date) of the basis
    registered_by    text,
    judge_id         text,
    closed           boolean NOT NULL DEFAULT false,
    updated_at       timestamptz NOT NULL DEFAULT now()
);

-- From asset_search.control_* and field_ops.asset_seized_on_site: what is under control, by whom.
CREATE TABLE IF NOT EXISTS asset_controls (
    control_id    text PRIMARY KEY,
    case_id       text NOT NULL,
    asset_id      text NOT NULL,
    asset_kind    text,
    measure       text,
    controlled_by text,
    status        text NOT NULL,    -- ordered / active / released / lapsed
    expiry_date   date,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS asset_controls_case_idx ON asset_controls (case_id, asset_id);

-- From asset_search.asset_found: the kind of an asset when a control does not say it.
CREATE TABLE IF NOT EXISTS found_assets (
    asset_id   text PRIMARY KEY,
    case_id    text NOT NULL,
    asset_kind text,
    value_fen  bigint
);

-- From intake.objection_*: third-party objections (案外人异议) against an asset.
CREATE TABLE IF NOT EXISTS asset_objections (
    objection_id text NOT NULL,
    case_id      text NOT NULL,
    asset_id     text NOT NULL,
    status       text NOT NULL,     -- pending / closed
    PRIMARY KEY (objection_id, asset_id)
);
CREATE INDEX IF NOT EXISTS asset_objections_case_idx ON asset_objections (case_id, asset_id);

-- Disposal's own disposals, one row each.
CREATE TABLE IF NOT EXISTS disposals (
    disposal_id    text PRIMARY KEY,
    case_id        text NOT NULL,
    asset_id       text NOT NULL,
    status         text NOT NULL,
    outcome        text,
    sale_price_fen bigint,
    updated_at     timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS disposals_case_idx ON disposals (case_id);
