-- The search and controls of cases brought in from a court's old system (docs/import.md): one row per
-- imported case, written in the batch's transaction. The fingerprint of the record's sections decides
-- whether importing it again changes nothing ("unchanged") or is a conflict (other content).

CREATE TABLE IF NOT EXISTS import_ledger (
    case_id      text PRIMARY KEY,
    court        text NOT NULL,
    case_number  text NOT NULL,
    record_hash  text NOT NULL,
    batch        text NOT NULL,
    line         integer,
    imported_by  text NOT NULL,
    imported_at  timestamptz NOT NULL DEFAULT now()
);
