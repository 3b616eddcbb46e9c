-- Judicial aid granted by intake (intake.judicial_aid_decided) and reported to the higher court for
-- its funds (intake.judicial_aid_funds_requested): what the case account may pay as aid money.
CREATE TABLE IF NOT EXISTS judicial_aid_grants (
    aid_id     text PRIMARY KEY,
    case_id    text NOT NULL,
    amount_fen bigint NOT NULL,
    reported   boolean NOT NULL DEFAULT false
);
