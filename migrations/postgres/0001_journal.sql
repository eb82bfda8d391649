-- Schema 1: the complaints journal and the message path (inbox, conversations, outbox).
-- Every table carries its municipality: one deployment may serve several.
-- Personal data (channel user ids, phone numbers, names) lives only in
-- residents and entry_contacts, apart from complaint content.

-- +goose Up
CREATE TABLE municipalities (
    code       TEXT PRIMARY KEY,
    name_ky    TEXT NOT NULL,
    name_ru    TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- Every update is stored here before the channel is told it arrived.
CREATE TABLE inbox (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    channel      TEXT NOT NULL,
    external_id  TEXT NOT NULL,
    chat_id      TEXT NOT NULL,
    payload      TEXT NOT NULL,
    received_at  TIMESTAMPTZ NOT NULL,
    handled_at   TIMESTAMPTZ,
    attempts     INTEGER NOT NULL DEFAULT 0,
    error        TEXT NOT NULL DEFAULT '',
    UNIQUE (municipality, channel, external_id)
);
CREATE INDEX inbox_pending ON inbox (municipality, id) WHERE handled_at IS NULL;

CREATE TABLE residents (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    channel      TEXT NOT NULL,
    user_ref     TEXT NOT NULL,
    chat_id      TEXT NOT NULL,
    lang         TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (municipality, channel, user_ref)
);

CREATE TABLE conversations (
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    channel      TEXT NOT NULL,
    chat_id      TEXT NOT NULL,
    user_ref     TEXT NOT NULL,
    state        TEXT NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (municipality, channel, chat_id, user_ref)
);

CREATE TABLE journal_counters (
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    year         INTEGER NOT NULL,
    last         INTEGER NOT NULL,
    PRIMARY KEY (municipality, year)
);

CREATE TABLE entries (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    year         INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    status       TEXT NOT NULL,
    village      TEXT NOT NULL,
    service      TEXT NOT NULL,
    description  TEXT NOT NULL,
    lat          DOUBLE PRECISION,
    lon          DOUBLE PRECISION,
    channel      TEXT NOT NULL,
    anonymous    BOOLEAN NOT NULL,
    resident_id  BIGINT REFERENCES residents (id),
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (municipality, year, seq)
);
CREATE INDEX entries_resident ON entries (resident_id, created_at);
CREATE INDEX entries_created ON entries (municipality, created_at);

CREATE TABLE entry_contacts (
    entry_id     BIGINT PRIMARY KEY REFERENCES entries (id),
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    name         TEXT NOT NULL,
    phone        TEXT NOT NULL
);

CREATE TABLE entry_events (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    entry_id     BIGINT NOT NULL REFERENCES entries (id),
    actor        TEXT NOT NULL,
    at           TIMESTAMPTZ NOT NULL,
    from_status  TEXT NOT NULL,
    to_status    TEXT NOT NULL,
    reason       TEXT NOT NULL
);
CREATE INDEX entry_events_entry ON entry_events (entry_id, id);

CREATE TABLE media (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    municipality    TEXT NOT NULL REFERENCES municipalities (code),
    entry_id        BIGINT REFERENCES entries (id),
    channel         TEXT NOT NULL,
    kind            TEXT NOT NULL,
    file_id         TEXT NOT NULL,
    mime            TEXT NOT NULL,
    size            INTEGER NOT NULL,
    state           TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    error           TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    fetched_at      TIMESTAMPTZ
);
CREATE INDEX media_entry ON media (entry_id);
CREATE INDEX media_pending ON media (municipality, channel, next_attempt_at) WHERE state = 'pending';

CREATE TABLE media_blobs (
    media_id     BIGINT PRIMARY KEY REFERENCES media (id),
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    data         BYTEA NOT NULL
);

-- Replies wait here until the sender delivers them within the channel's limits.
CREATE TABLE outbox (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    municipality    TEXT NOT NULL REFERENCES municipalities (code),
    channel         TEXT NOT NULL,
    chat_id         TEXT NOT NULL,
    payload         TEXT NOT NULL,
    collapse_key    TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    error           TEXT NOT NULL DEFAULT '',
    message_ref     TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ
);
CREATE INDEX outbox_pending ON outbox (municipality, channel, chat_id, id) WHERE status = 'pending';

-- +goose Down
DROP TABLE outbox;
DROP TABLE media_blobs;
DROP TABLE media;
DROP TABLE entry_events;
DROP TABLE entry_contacts;
DROP TABLE entries;
DROP TABLE journal_counters;
DROP TABLE conversations;
DROP TABLE residents;
DROP TABLE inbox;
DROP TABLE municipalities;
