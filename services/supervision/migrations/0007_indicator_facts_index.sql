-- GET /indicators (and /indicators/cases, /indicators/petitions) folds, per case in log order, only the
-- trail events the indicators read (services/supervision/indicators/figures.py FACT_FIELDS: the same list;
-- tests/supervision/test_indicators.py checks it). This index holds those rows in (court, case_id, seq)
-- order, so the query reads them in order without a sort and without the trail's other events (bench
-- phase 7: a year of 100,000 cases).
CREATE INDEX IF NOT EXISTS audit_trail_facts_idx ON audit_trail (court, case_id, seq)
    WHERE event_type IN ('intake.case_registered', 'intake.case_triaged', 'intake.case_assigned', 'intake.settlement_recorded', 'intake.case_closed', 'disposal.funds_received');
