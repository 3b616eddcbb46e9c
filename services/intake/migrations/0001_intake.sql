-- Intake's read models, maintained in the same transaction as the events they reflect.

CREATE TABLE IF NOT EXISTS case_number_sequences (
    court     text    NOT NULL,
    case_type text    NOT NULL,
    year      integer NOT NULL,
    last_seq  integer NOT NULL,
    PRIMARY KEY (court, case_type, year)
);

CREATE TABLE IF NOT EXISTS cases (
    case_id           text PRIMARY KEY,
    case_number       text UNIQUE,
    court             text NOT NULL,
    case_type         text NOT NULL,
    status            text NOT NULL,
    applicant_name    text NOT NULL,
    respondent_name   text NOT NULL,
    respondent_id     text NOT NULL,
    claim_amount_fen  bigint NOT NULL,
    application_date  date NOT NULL,
    registered_at     timestamptz,
    registered_by     text,
    limitation_warning boolean NOT NULL DEFAULT false,
    version           integer NOT NULL
);
CREATE INDEX IF NOT EXISTS cases_respondent_idx ON cases (respondent_id);
