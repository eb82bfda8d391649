-- Schema 12: members approved by the council (Regulation 3.3, 3.4) and the
-- group's dissolution (9). A member invited in the chat works the journal
-- at once but counts for 3.4 only from the council's decision recorded
-- here. Calendar days (a decision's date, a term's last day) are kept as
-- YYYY-MM-DD text: they have no time of day or zone.

-- +goose Up
ALTER TABLE members ADD COLUMN decision TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN decided_on TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN approved_at TIMESTAMP;
ALTER TABLE members ADD COLUMN term_ends TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN nominated_by TEXT NOT NULL DEFAULT '';
ALTER TABLE members ADD COLUMN affiliation TEXT NOT NULL DEFAULT '';

CREATE TABLE dissolutions (
    municipality TEXT PRIMARY KEY REFERENCES municipalities (code),
    decision     TEXT NOT NULL,
    decided_on   TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    recorded_at  TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE dissolutions;
ALTER TABLE members DROP COLUMN affiliation;
ALTER TABLE members DROP COLUMN nominated_by;
ALTER TABLE members DROP COLUMN term_ends;
ALTER TABLE members DROP COLUMN approved_at;
ALTER TABLE members DROP COLUMN decided_on;
ALTER TABLE members DROP COLUMN decision;
