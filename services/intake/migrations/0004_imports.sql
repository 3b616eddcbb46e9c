-- Cases brought in from a court's old system (docs/import.md): one row per imported case, written in
-- the batch's transaction. The fingerprint of the record decides whether importing it again changes
-- nothing (same fingerprint: "unchanged") or is a conflict (same case number, other content).

CREATE TABLE IF NOT EXISTS case_imports (
    case_id      text PRIMARY KEY,
    court        text NOT NULL,
    case_number  text NOT NULL UNIQUE,
    record_hash  text NOT NULL,
    batch        text NOT NULL,
    line         integer,
    imported_by  text NOT NULL,
    imported_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS case_imports_batch_idx ON case_imports (batch);
