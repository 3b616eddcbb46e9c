-- Periods that do not count toward the 6-month limit, learnt from disposal's events (严格审限规定
-- art. 9): the reference-price procedure (from the disposal decision to the fixed price) and each
-- auction round (from its announcement to the end of bidding) — what supervision's close node tolls,
-- so that intake's close-by date (the extension's 5-day check) is the same date (docs/rules.md §3).
CREATE TABLE IF NOT EXISTS ext_tolling (
    case_id  text NOT NULL,
    ref      text NOT NULL,          -- price:<disposal_id> or auction:<auction_id>
    reason   text NOT NULL,
    start_on date NOT NULL,
    end_on   date,                   -- null while it lasts
    PRIMARY KEY (case_id, ref)
);
