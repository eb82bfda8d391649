-- Schema 10: the sender's read of due replies walks the pending rows of a
-- channel in id order and stops at its page, instead of checking every
-- pending row and sorting them (with a deep outbox, a busy hour or a
-- campaign, that read took a large share of the database's time, several
-- times a second); and it finds the replies held for a retry, which hold
-- up their chat, by when they are due.

-- +goose Up
CREATE INDEX outbox_due ON outbox (municipality, channel, id) WHERE status = 'pending';
CREATE INDEX outbox_retry ON outbox (municipality, channel, next_attempt_at) WHERE status = 'pending';

-- +goose Down
DROP INDEX outbox_retry;
DROP INDEX outbox_due;
