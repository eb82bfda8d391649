-- Schema 11: a group asked together in field mode (Regulation 5.6: a
-- focus group of 8–12 carefully chosen people; any other size is a group
-- discussion) is one record beside the one response holding its answers:
-- when and where it met, its topic, its moderator, how many took part and
-- the recorder's notes. Nothing is kept of who the participants were.

-- +goose Up
CREATE TABLE survey_groups (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    survey_id    INTEGER NOT NULL REFERENCES surveys (id),
    response_id  INTEGER NOT NULL UNIQUE REFERENCES responses (id),
    kind         TEXT NOT NULL CHECK (kind IN ('focus_group', 'discussion')),
    held_on      TEXT NOT NULL, -- YYYY-MM-DD, Asia/Bishkek
    place        TEXT NOT NULL,
    topic        TEXT NOT NULL,
    -- The moderator: a member of the group, or only a name typed (someone
    -- from outside the group moderated).
    moderator_member_id INTEGER REFERENCES members (id),
    moderator    TEXT NOT NULL DEFAULT '',
    participants INTEGER NOT NULL CHECK (participants >= 2),
    notes        TEXT NOT NULL DEFAULT '',
    recorded_by  INTEGER NOT NULL REFERENCES members (id),
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX survey_groups_survey ON survey_groups (survey_id, id);

-- +goose Down
DROP INDEX survey_groups_survey;
DROP TABLE survey_groups;
