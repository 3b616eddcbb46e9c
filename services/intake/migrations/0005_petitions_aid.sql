-- Petitions (涉执信访) and judicial aid (国家司法救助): one row each, kept inline with their streams
-- (intake.petition:<id>, intake.aid:<id>) by services/intake/petition_projections.py.
CREATE TABLE IF NOT EXISTS petitions (
    petition_id     text PRIMARY KEY,
    case_id         text NOT NULL,
    court           text NOT NULL,
    status          text NOT NULL,
    officer_id      text,
    team_id         text,
    received_on     date NOT NULL,
    accept_by       date NOT NULL,
    acknowledged_on date,
    conclude_by     date,
    outcome         text,
    petition_stopped boolean,
    closed_on       date,
    aid_id          text,
    version         integer NOT NULL
);
CREATE INDEX IF NOT EXISTS petitions_case_idx ON petitions (case_id);

CREATE TABLE IF NOT EXISTS judicial_aids (
    aid_id       text PRIMARY KEY,
    case_id      text NOT NULL,
    court        text NOT NULL,
    status       text NOT NULL,
    petition_id  text,
    amount_requested_fen bigint NOT NULL,
    granted      boolean,
    amount_fen   bigint,
    applied_on   date NOT NULL,
    decided_on   date,
    version      integer NOT NULL
);
CREATE INDEX IF NOT EXISTS judicial_aids_case_idx ON judicial_aids (case_id);
