-- Schema 8: surveys (Regulation 5.6: questionnaires and community surveys
-- with citizen report cards), residents' consent to be asked, and their
-- responses.

-- +goose Up
-- Consent is a log: every yes and every no, with when and how, so the
-- group can show who agreed to be asked. The latest row of a resident
-- decides; nobody without a yes gets a survey.
CREATE TABLE consents (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    resident_id  BIGINT NOT NULL REFERENCES residents (id),
    given        BOOLEAN NOT NULL,
    how          TEXT NOT NULL,            -- subscribe, offer, stop, field…
    village      TEXT NOT NULL DEFAULT '', -- where they live, for targeting
    at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX consents_resident ON consents (resident_id, id);

CREATE TABLE surveys (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    form_id      TEXT NOT NULL,
    title        TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'draft', -- draft, open, paused, closed
    -- The sampling guide (5.6): method, target group, villages, planned
    -- number of respondents.
    method       TEXT NOT NULL DEFAULT '',
    target_group TEXT NOT NULL DEFAULT '',
    villages     TEXT NOT NULL DEFAULT '', -- space-separated codes; '' for all
    planned      INTEGER NOT NULL DEFAULT 0,
    starts_on    TEXT NOT NULL DEFAULT '', -- YYYY-MM-DD, Asia/Bishkek
    ends_on      TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (municipality, form_id)
);

-- Each import of a survey's form is a version; responses keep theirs.
CREATE TABLE survey_versions (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    survey_id   BIGINT NOT NULL REFERENCES surveys (id),
    version     TEXT NOT NULL,
    form        TEXT NOT NULL, -- the form as JSON
    imported_at TIMESTAMPTZ NOT NULL
);

-- One response per person per survey; field mode (a member asking in
-- person or a focus group) has no resident and counts its group's size.
CREATE TABLE responses (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    survey_id    BIGINT NOT NULL REFERENCES surveys (id),
    version_id   BIGINT NOT NULL REFERENCES survey_versions (id),
    resident_id  BIGINT REFERENCES residents (id),
    member_id    BIGINT REFERENCES members (id),
    group_size   INTEGER NOT NULL DEFAULT 1,
    channel      TEXT NOT NULL,
    village      TEXT NOT NULL DEFAULT '',
    uuid         TEXT NOT NULL UNIQUE,
    -- answers: {"name": {"v": "…", "asked": true}}; whether a question was
    -- asked tells "skipped" from "never asked".
    answers      TEXT NOT NULL DEFAULT '{}',
    started_at   TIMESTAMPTZ NOT NULL,
    completed_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX responses_one_each ON responses (survey_id, resident_id) WHERE resident_id IS NOT NULL;
CREATE INDEX responses_survey ON responses (survey_id, id);

-- Who was invited to a survey (all subscribers of the villages, or a
-- random sample), and whether reminded: one reminder at most.
CREATE TABLE invitations (
    survey_id   BIGINT NOT NULL REFERENCES surveys (id),
    resident_id BIGINT NOT NULL REFERENCES residents (id),
    campaign_id BIGINT,
    invited_at  TIMESTAMPTZ NOT NULL,
    reminded_at TIMESTAMPTZ,
    PRIMARY KEY (survey_id, resident_id)
);

-- +goose Down
DROP TABLE invitations;
DROP INDEX responses_survey;
DROP INDEX responses_one_each;
DROP TABLE responses;
DROP TABLE survey_versions;
DROP TABLE surveys;
DROP INDEX consents_resident;
DROP TABLE consents;
