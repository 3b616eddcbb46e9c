-- Exit restrictions (限制出境, 民诉法 2023 art. 266) as asset_search knows them: each request sent to the
-- border authority (a restriction or its lifting) and the authority's receipt. Read by
-- GET /cases/{case_id}/exit-restrictions and the judge's 我的待办 (a refused receipt to act on).

CREATE TABLE IF NOT EXISTS exit_requests (
    request_id     text PRIMARY KEY,
    restriction_id text NOT NULL,
    case_id        text NOT NULL,
    action         text NOT NULL,             -- restrict | lift
    agency_id      text NOT NULL,
    subject_name   text NOT NULL,
    requested_at   timestamptz NOT NULL,
    outcome        text,                      -- null (awaiting the receipt) | effective | refused
    effective_date date,
    reason         text,
    confirmed_at   timestamptz
);
CREATE INDEX IF NOT EXISTS exit_requests_case_idx ON exit_requests (case_id, requested_at);
CREATE INDEX IF NOT EXISTS exit_requests_refused_idx ON exit_requests (case_id) WHERE outcome = 'refused';
