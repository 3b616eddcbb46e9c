-- A dead letter keeps the Kafka key it came with: for bytes that are not an envelope at all, the
-- key (the case id, by the log's contract) is the only clue to which case's trail may have a hole.
ALTER TABLE dead_letters ADD COLUMN IF NOT EXISTS kafka_key bytea;
