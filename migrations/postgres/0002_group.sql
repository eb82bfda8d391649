-- Schema 2: the group works the journal (Regulation 3.4–3.7, 4.2, 4.3, 6.1–6.3).
-- Members and how they are reached, one-time invites, declared conflicts of
-- interest, the group chat, notes on entries, requests for information, an
-- audit of member actions (including refusals) and scheduled jobs.

-- +goose Up
CREATE TABLE members (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    municipality   TEXT NOT NULL REFERENCES municipalities (code),
    name           TEXT NOT NULL,
    role           TEXT NOT NULL,
    joined_at      TIMESTAMPTZ NOT NULL,
    removed_at     TIMESTAMPTZ,
    removal_reason TEXT NOT NULL DEFAULT ''
);
-- One chair, one deputy, one secretary at a time (3.5).
CREATE UNIQUE INDEX members_unique_role ON members (municipality, role)
    WHERE removed_at IS NULL AND role IN ('chair', 'deputy', 'secretary');

-- How a member is reached on a channel (personal data: kept only here).
CREATE TABLE member_identities (
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    channel      TEXT NOT NULL,
    user_ref     TEXT NOT NULL,
    member_id    BIGINT NOT NULL REFERENCES members (id),
    chat_id      TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (municipality, channel, user_ref)
);
CREATE INDEX member_identities_member ON member_identities (member_id);

-- Invite codes are stored hashed, work once and expire.
CREATE TABLE invites (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    code_hash    TEXT NOT NULL UNIQUE,
    role         TEXT NOT NULL,
    name         TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL,
    used_at      TIMESTAMPTZ,
    member_id    BIGINT REFERENCES members (id)
);

-- Declared conflicts of interest (6.3), by service.
CREATE TABLE recusals (
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    member_id    BIGINT NOT NULL REFERENCES members (id),
    service      TEXT NOT NULL,
    declared_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (member_id, service)
);

CREATE TABLE group_chats (
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    channel      TEXT NOT NULL,
    chat_id      TEXT NOT NULL,
    bound_by     TEXT NOT NULL,
    bound_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (municipality, channel)
);

-- Member actions and refusals, for accountability.
CREATE TABLE audit_log (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    at           TIMESTAMPTZ NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    entry_id     BIGINT REFERENCES entries (id),
    outcome      TEXT NOT NULL,
    detail       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_actor ON audit_log (municipality, actor, at);

ALTER TABLE entries ADD COLUMN taken_by BIGINT REFERENCES members (id);
ALTER TABLE entries ADD COLUMN merged_into BIGINT REFERENCES entries (id);
ALTER TABLE entries ADD COLUMN feedback TEXT NOT NULL DEFAULT '';
ALTER TABLE entry_events ADD COLUMN member_id BIGINT REFERENCES members (id);
ALTER TABLE entry_events ADD COLUMN undone_at TIMESTAMPTZ;
CREATE INDEX entries_status ON entries (municipality, status, created_at);

-- Where each entry's card was posted, so it is edited as the entry moves.
CREATE TABLE entry_posts (
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    entry_id     BIGINT NOT NULL REFERENCES entries (id),
    channel      TEXT NOT NULL,
    chat_id      TEXT NOT NULL,
    outbox_id    BIGINT NOT NULL,
    PRIMARY KEY (entry_id, channel, chat_id)
);

-- Verification notes and findings (4.3), and what residents add later.
CREATE TABLE entry_notes (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    entry_id     BIGINT NOT NULL REFERENCES entries (id),
    author       TEXT NOT NULL,
    member_id    BIGINT REFERENCES members (id),
    text         TEXT NOT NULL,
    media_id     BIGINT REFERENCES media (id),
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX entry_notes_entry ON entry_notes (entry_id, id);

-- Requests for information (4.2), answered within ten days (6.1).
CREATE TABLE requests (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    municipality    TEXT NOT NULL REFERENCES municipalities (code),
    year            INTEGER NOT NULL,
    seq             INTEGER NOT NULL,
    addressee       TEXT NOT NULL,
    question        TEXT NOT NULL,
    created_by      BIGINT NOT NULL REFERENCES members (id),
    created_at      TIMESTAMPTZ NOT NULL,
    deadline        TIMESTAMPTZ NOT NULL,
    answer          TEXT NOT NULL DEFAULT '',
    answered_at     TIMESTAMPTZ,
    reminded_at     TIMESTAMPTZ,
    overdue_sent_at TIMESTAMPTZ,
    UNIQUE (municipality, year, seq)
);
CREATE TABLE request_counters (
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    year         INTEGER NOT NULL,
    last         INTEGER NOT NULL,
    PRIMARY KEY (municipality, year)
);
CREATE TABLE request_entries (
    request_id BIGINT NOT NULL REFERENCES requests (id),
    entry_id   BIGINT NOT NULL REFERENCES entries (id),
    PRIMARY KEY (request_id, entry_id)
);
-- Files received with an answer: members only, never residents or exports (6.2).
ALTER TABLE media ADD COLUMN request_id BIGINT REFERENCES requests (id);

-- Scheduled work done once per period (the daily digest).
CREATE TABLE jobs (
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    name         TEXT NOT NULL,
    last_key     TEXT NOT NULL,
    PRIMARY KEY (municipality, name)
);

-- Replies may wait for a moment (a resident hears of a status change only
-- after the undo window); a waiting reply does not hold up the chat.
ALTER TABLE outbox ADD COLUMN not_before TIMESTAMPTZ;
CREATE INDEX outbox_collapse ON outbox (municipality, collapse_key) WHERE status = 'pending' AND collapse_key <> '';

-- +goose Down
DROP INDEX outbox_collapse;
ALTER TABLE outbox DROP COLUMN not_before;
DROP TABLE jobs;
ALTER TABLE media DROP COLUMN request_id;
DROP TABLE request_entries;
DROP TABLE request_counters;
DROP TABLE requests;
DROP TABLE entry_notes;
DROP TABLE entry_posts;
DROP INDEX entries_status;
ALTER TABLE entry_events DROP COLUMN undone_at;
ALTER TABLE entry_events DROP COLUMN member_id;
ALTER TABLE entries DROP COLUMN feedback;
ALTER TABLE entries DROP COLUMN merged_into;
ALTER TABLE entries DROP COLUMN taken_by;
DROP TABLE audit_log;
DROP TABLE group_chats;
DROP TABLE recusals;
DROP TABLE invites;
DROP TABLE member_identities;
DROP TABLE members;
