-- The trail's integrity, said out loud.
--
-- `escaped`: the row holds a value the database could not store as published (NUL; the escape
-- character U+E000 itself), kept reversibly escaped (trail/chain.py). Set when the row is written;
-- rows written before this column existed are flagged here (a stored value holds U+E000 exactly
-- when it was escaped). Their 轨迹-1 findings appear with the case's next event, or at once with a
-- rebuild (require_identical=false, as after any rule change).
ALTER TABLE audit_trail ADD COLUMN IF NOT EXISTS escaped boolean NOT NULL DEFAULT false;
UPDATE audit_trail SET escaped = true
WHERE NOT escaped
  AND strpos(concat_ws('|', case_id, event_type, producer, stream_id, actor_kind, actor_id, actor_name, actor_role,
                        actor_court, court, correlation_id, causation_id, summary, payload::text), chr(57344)) > 0;

-- A dead letter means the trail may have a hole: supervision is not ready until someone who
-- investigated it acknowledges it, saying who they are and why. Not a projection of the log: a
-- rebuild leaves it alone.
CREATE TABLE IF NOT EXISTS dead_letter_acknowledgements (
    dead_letter_id  bigint      PRIMARY KEY REFERENCES dead_letters (id),
    officer_id      text        NOT NULL,
    officer_name    text        NOT NULL,
    officer_roles   text[]      NOT NULL,
    court           text        NOT NULL,
    reason          text        NOT NULL,
    acknowledged_at timestamptz NOT NULL DEFAULT now()
);
