-- Schema 6: scheduled work as leased runs, bulk campaigns behind interactive
-- replies, and what retention needs. Code of schema 6 runs on schema 6 only.

-- +goose Up
-- One row per run of a job: a period (a date) or an item (a request's
-- reminder). A runner claims it with a lease, computes outside any
-- transaction and posts it while still the holder, so each run is done once
-- across restarts and processes.
CREATE TABLE job_runs (
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    job          TEXT NOT NULL,
    period       TEXT NOT NULL,
    holder       TEXT NOT NULL,
    lease_until  TIMESTAMP NOT NULL,
    done_at      TIMESTAMP,
    PRIMARY KEY (municipality, job, period)
);
-- What schema 2 recorded as done stays done: the last digest, and the
-- reminders already sent.
INSERT INTO job_runs (municipality, job, period, holder, lease_until, done_at)
    SELECT municipality, name, last_key, 'schema 6', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM jobs;
INSERT INTO job_runs (municipality, job, period, holder, lease_until, done_at)
    SELECT municipality, 'remind.soon', CAST(id AS TEXT), 'schema 6', reminded_at, reminded_at
    FROM requests WHERE reminded_at IS NOT NULL;
INSERT INTO job_runs (municipality, job, period, holder, lease_until, done_at)
    SELECT municipality, 'remind.overdue', CAST(id AS TEXT), 'schema 6', overdue_sent_at, overdue_sent_at
    FROM requests WHERE overdue_sent_at IS NOT NULL;

-- A bulk send (a survey to thousands): its recipients are stored once and
-- queued into the outbox a chunk at a time, so the outbox stays short and
-- interactive replies go first.
CREATE TABLE campaigns (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    municipality TEXT NOT NULL REFERENCES municipalities (code),
    channel      TEXT NOT NULL,
    name         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    recipients   INTEGER NOT NULL,
    queued       INTEGER NOT NULL DEFAULT 0, -- recipients 1..queued are in the outbox
    created_at   TIMESTAMP NOT NULL,
    queued_at    TIMESTAMP -- when the last chunk went into the outbox
);
CREATE TABLE campaign_recipients (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    seq         INTEGER NOT NULL,
    chat_id     TEXT NOT NULL,
    PRIMARY KEY (campaign_id, seq)
);

-- 0: an interactive reply; 1: bulk. Lower goes first, each chat in order.
-- campaign_id has no foreign key, like entry_posts.outbox_id, so old rows
-- can be pruned on their own.
ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN campaign_id INTEGER;
CREATE INDEX outbox_campaign ON outbox (campaign_id, status) WHERE campaign_id IS NOT NULL;
CREATE INDEX outbox_bulk ON outbox (municipality, channel, id) WHERE status = 'pending' AND priority > 0;

-- Retention keeps outbox rows that cards are known by.
CREATE INDEX entry_posts_outbox ON entry_posts (outbox_id);

-- +goose Down
DROP INDEX entry_posts_outbox;
DROP INDEX outbox_bulk;
DROP INDEX outbox_campaign;
ALTER TABLE outbox DROP COLUMN campaign_id;
ALTER TABLE outbox DROP COLUMN priority;
DROP TABLE campaign_recipients;
DROP TABLE campaigns;
DROP TABLE job_runs;
