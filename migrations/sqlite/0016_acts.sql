-- Schema 16: monitoring acts (Regulation 7.1–7.6): the draft and what it
-- links to (evidence by id, never copied; documents cited, never carried:
-- 6.2), the signers fixed when it is sent (7.2, 6.3, 3.6), every answer of
-- every round (an edit voids them, kept as void), the number given only
-- when final (per municipality and year, no gaps), deliveries (7.1), what
-- the addressees did with the recommendations (7.6) and stakeholders'
-- comments (8.11).

-- +goose Up
CREATE TABLE acts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    municipality  TEXT NOT NULL REFERENCES municipalities (code),
    state         TEXT NOT NULL DEFAULT 'draft', -- draft, sent, final, withdrawn
    year          INTEGER, -- the number, once final
    seq           INTEGER,
    lang          TEXT NOT NULL, -- the language of the text signed
    object        TEXT NOT NULL,
    plan_item     TEXT NOT NULL DEFAULT '',
    outside_plan  TEXT NOT NULL DEFAULT '', -- the reason for monitoring outside the plan (5.2)
    starts_on     TEXT NOT NULL,
    ends_on       TEXT NOT NULL,
    methods       TEXT NOT NULL, -- 5.6 codes, one a line
    notice_id     INTEGER REFERENCES notices (id),
    notice_waiver TEXT NOT NULL DEFAULT '',
    corrects      INTEGER REFERENCES acts (id),
    text_hash     TEXT NOT NULL DEFAULT '',
    round         INTEGER NOT NULL DEFAULT 0,
    presiding     INTEGER REFERENCES members (id),
    presiding_acting BOOLEAN NOT NULL DEFAULT FALSE,
    sign_by       TIMESTAMP,
    created_by    INTEGER REFERENCES members (id),
    created_at    TIMESTAMP NOT NULL,
    sent_at       TIMESTAMP,
    final_at      TIMESTAMP,
    withdrawn_at  TIMESTAMP,
    UNIQUE (municipality, year, seq)
);
CREATE INDEX acts_muni ON acts (municipality, state);

CREATE TABLE act_experts (
    act_id INTEGER NOT NULL REFERENCES acts (id),
    seq    INTEGER NOT NULL,
    name   TEXT NOT NULL,
    role   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (act_id, seq)
);

CREATE TABLE act_evidence (
    act_id     INTEGER NOT NULL REFERENCES acts (id),
    seq        INTEGER NOT NULL,
    kind       TEXT NOT NULL, -- entry, survey, request
    target_id  INTEGER NOT NULL,
    reverified BOOLEAN NOT NULL DEFAULT FALSE, -- 4.3
    PRIMARY KEY (act_id, seq)
);

CREATE TABLE act_sources (
    act_id      INTEGER NOT NULL REFERENCES acts (id),
    seq         INTEGER NOT NULL,
    title       TEXT NOT NULL,
    given_by    TEXT NOT NULL,
    received_on TEXT NOT NULL,
    request_id  INTEGER REFERENCES requests (id),
    PRIMARY KEY (act_id, seq)
);

CREATE TABLE act_findings (
    act_id INTEGER NOT NULL REFERENCES acts (id),
    seq    INTEGER NOT NULL,
    body   TEXT NOT NULL,
    PRIMARY KEY (act_id, seq)
);

CREATE TABLE act_recommendations (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    act_id         INTEGER NOT NULL REFERENCES acts (id),
    seq            INTEGER NOT NULL,
    addressee      TEXT NOT NULL,
    body           TEXT NOT NULL,
    considered_by  TEXT NOT NULL DEFAULT '',
    considered_on  TEXT NOT NULL DEFAULT '',
    considered_ref TEXT NOT NULL DEFAULT '',
    declined_reason TEXT NOT NULL DEFAULT '',
    declined_on    TEXT NOT NULL DEFAULT '',
    carried_out_on TEXT NOT NULL DEFAULT '',
    carried_out_note TEXT NOT NULL DEFAULT '',
    UNIQUE (act_id, seq)
);

CREATE TABLE act_signers (
    act_id     INTEGER NOT NULL REFERENCES acts (id),
    member_id  INTEGER NOT NULL REFERENCES members (id),
    status     TEXT NOT NULL, -- signer, recused (6.3), absent (the chair, 3.6)
    dropped_at TIMESTAMP, -- removed from the group (3.4) before final
    PRIMARY KEY (act_id, member_id)
);

CREATE TABLE act_signatures (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    act_id     INTEGER NOT NULL REFERENCES acts (id),
    member_id  INTEGER NOT NULL REFERENCES members (id),
    round      INTEGER NOT NULL,
    kind       TEXT NOT NULL, -- sign, opinion, refuse
    note       TEXT NOT NULL DEFAULT '', -- the special opinion or the reason
    channel    TEXT NOT NULL, -- paper, telegram, whatsapp
    lang       TEXT NOT NULL,
    text_hash  TEXT NOT NULL,
    signed_at  TIMESTAMP NOT NULL,
    voided_at  TIMESTAMP,
    UNIQUE (act_id, member_id, round)
);

CREATE TABLE act_deliveries (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    act_id       INTEGER NOT NULL REFERENCES acts (id),
    addressee    TEXT NOT NULL,
    delivered_on TEXT NOT NULL,
    how          TEXT NOT NULL,
    delivered_by TEXT NOT NULL,
    recorded_at  TIMESTAMP NOT NULL
);
CREATE INDEX act_deliveries_act ON act_deliveries (act_id);

CREATE TABLE act_comments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    act_id      INTEGER NOT NULL REFERENCES acts (id),
    kind        TEXT NOT NULL, -- comment, objection, discussion (8.11)
    author      TEXT NOT NULL,
    body        TEXT NOT NULL,
    received_on TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX act_comments_act ON act_comments (act_id);

-- +goose Down
DROP TABLE act_comments;
DROP TABLE act_deliveries;
DROP TABLE act_signatures;
DROP TABLE act_signers;
DROP TABLE act_recommendations;
DROP TABLE act_findings;
DROP TABLE act_sources;
DROP TABLE act_evidence;
DROP TABLE act_experts;
DROP TABLE acts;
