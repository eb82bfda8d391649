-- Schema 13: the group's meetings and minutes (Regulation 3.4–3.7) and the
-- chair's recorded absences, during which the deputy signs (3.6).

-- +goose Up
CREATE TABLE meetings (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    year         INTEGER NOT NULL,
    seq          INTEGER NOT NULL, -- the minutes' number within the year
    held_at      TIMESTAMP NOT NULL,
    place        TEXT NOT NULL DEFAULT '', -- '' is "in the chat"
    agenda       TEXT NOT NULL DEFAULT '', -- one item a line
    recorded_by  INTEGER REFERENCES members (id),
    recorded_at  TIMESTAMP NOT NULL,
    signed_by    INTEGER REFERENCES members (id),
    signed_acting BOOLEAN NOT NULL DEFAULT FALSE,
    signed_in_chat BOOLEAN NOT NULL DEFAULT FALSE, -- or on paper, recorded by the clerk
    signed_at    TIMESTAMP,
    UNIQUE (municipality, year, seq)
);

CREATE TABLE meeting_attendance (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id),
    member_id  INTEGER NOT NULL REFERENCES members (id),
    presence   TEXT NOT NULL, -- present, absent, excused
    reason     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (meeting_id, member_id)
);
CREATE INDEX meeting_attendance_member ON meeting_attendance (member_id);

CREATE TABLE meeting_decisions (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id),
    seq        INTEGER NOT NULL,
    text       TEXT NOT NULL,
    votes_for  INTEGER NOT NULL,
    votes_against INTEGER NOT NULL,
    abstained  INTEGER NOT NULL,
    elects     TEXT NOT NULL DEFAULT '', -- an election (3.5): the role
    elected    INTEGER REFERENCES members (id),
    PRIMARY KEY (meeting_id, seq)
);

CREATE TABLE chair_absences (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    starts_on    TEXT NOT NULL,
    ends_on      TEXT NOT NULL,
    recorded_by  INTEGER REFERENCES members (id),
    recorded_at  TIMESTAMP NOT NULL
);
CREATE INDEX chair_absences_muni ON chair_absences (municipality, ends_on);

-- +goose Down
DROP TABLE chair_absences;
DROP TABLE meeting_decisions;
DROP TABLE meeting_attendance;
DROP TABLE meetings;
