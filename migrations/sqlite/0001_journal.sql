-- Schema 1: the complaints journal and the message path (inbox, conversations, outbox).
-- Every table carries its municipality: one deployment may serve several.
-- Personal data (channel user ids, phone numbers, names) lives only in
-- residents and entry_contacts, apart from complaint content.

-- +goose Up
CREATE TABLE municipalities (
    code       TEXT PRIMARY KEY,
    name_ky    TEXT NOT NULL,
    name_ru    TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Every update is stored here before the channel is told it arrived.
CREATE TABLE inbox (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    channel      TEXT NOT NULL,
    external_id  TEXT NOT NULL,
    chat_id      TEXT NOT NULL,
    payload      TEXT NOT NULL,
    received_at  TIMESTAMP NOT NULL,
    handled_at   TIMESTAMP,
    attempts     INTEGER NOT NULL DEFAULT 0,
    error        TEXT NOT NULL DEFAULT '',
    UNIQUE (municipality, channel, external_id)
);
CREATE INDEX inbox_pending ON inbox (municipality, id) WHERE handled_at IS NULL;

CREATE TABLE residents (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    channel      TEXT NOT NULL,
    user_ref     TEXT NOT NULL,
    chat_id      TEXT NOT NULL,
    lang         TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (municipality, channel, user_ref)
);

CREATE TABLE conversations (
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    channel      TEXT NOT NULL,
    chat_id      TEXT NOT NULL,
    user_ref     TEXT NOT NULL,
    state        TEXT NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (municipality, channel, chat_id, user_ref)
);

CREATE TABLE journal_counters (
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    year         INTEGER NOT NULL,
    last         INTEGER NOT NULL,
    PRIMARY KEY (municipality, year)
);

CREATE TABLE entries (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    year         INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    status       TEXT NOT NULL,
    village      TEXT NOT NULL,
    service      TEXT NOT NULL,
    description  TEXT NOT NULL,
    lat          REAL,
    lon          REAL,
    channel      TEXT NOT NULL,
    anonymous    BOOLEAN NOT NULL,
    resident_id  INTEGER REFERENCES residents (id),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (municipality, year, seq)
);
CREATE INDEX entries_resident ON entries (resident_id, created_at);
CREATE INDEX entries_created ON entries (municipality, created_at);

CREATE TABLE entry_contacts (
    entry_id     INTEGER PRIMARY KEY REFERENCES entries (id),
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    name         TEXT NOT NULL,
    phone        TEXT NOT NULL
);

CREATE TABLE entry_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    entry_id     INTEGER NOT NULL REFERENCES entries (id),
    actor        TEXT NOT NULL,
    at           TIMESTAMP NOT NULL,
    from_status  TEXT NOT NULL,
    to_status    TEXT NOT NULL,
    reason       TEXT NOT NULL
);
CREATE INDEX entry_events_entry ON entry_events (entry_id, id);

CREATE TABLE media (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    municipality    TEXT NOT NULL REFERENCES municipalities (code),
    entry_id        INTEGER REFERENCES entries (id),
    channel         TEXT NOT NULL,
    kind            TEXT NOT NULL,
    file_id         TEXT NOT NULL,
    mime            TEXT NOT NULL,
    size            INTEGER NOT NULL,
    state           TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    error           TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    fetched_at      TIMESTAMP
);
CREATE INDEX media_entry ON media (entry_id);
CREATE INDEX media_pending ON media (municipality, channel, next_attempt_at) WHERE state = 'pending';

CREATE TABLE media_blobs (
    media_id     INTEGER PRIMARY KEY REFERENCES media (id),
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    data         BLOB NOT NULL
);

-- Replies wait here until the sender delivers them within the channel's limits.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    municipality    TEXT NOT NULL REFERENCES municipalities (code),
    channel         TEXT NOT NULL,
    chat_id         TEXT NOT NULL,
    payload         TEXT NOT NULL,
    collapse_key    TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    error           TEXT NOT NULL DEFAULT '',
    message_ref     TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    sent_at         TIMESTAMP
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
