-- Schema 15: communications to stakeholders (Regulation 5.2, 8): the notice
-- before monitoring an object (procedure, methods, aims, tasks), and the
-- log of events that change results (8.3) and of conflicts of interest
-- (8.4). A survey launched on an object without a notice keeps the reason.

-- +goose Up
CREATE TABLE notices (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    kind         TEXT NOT NULL, -- before, change, conflict
    year         INTEGER NOT NULL,
    seq          INTEGER NOT NULL, -- notices before monitoring are numbered per year; 0 for the others
    object       TEXT NOT NULL,
    plan_item    TEXT NOT NULL DEFAULT '',
    recipients   TEXT NOT NULL,
    procedure    TEXT NOT NULL DEFAULT '',
    methods      TEXT NOT NULL DEFAULT '',
    aims         TEXT NOT NULL DEFAULT '',
    tasks        TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL DEFAULT '',
    sent_on      TEXT NOT NULL,
    how          TEXT NOT NULL DEFAULT '',
    recorded_by  INTEGER REFERENCES members (id),
    recorded_at  TIMESTAMP NOT NULL
);
CREATE INDEX notices_object ON notices (municipality, object, sent_on);

ALTER TABLE surveys ADD COLUMN notice_waiver TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE surveys DROP COLUMN notice_waiver;
DROP TABLE notices;
