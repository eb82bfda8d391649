-- Schema 10: the sender's read of due replies walks the pending rows of a
-- channel in id order and stops at its page, instead of checking every
-- pending row and sorting them: with a deep outbox (a busy hour, a
-- campaign) that read took a fifth of serve's CPU, several times a second.

-- +goose Up
CREATE INDEX outbox_due ON outbox (municipality, channel, id) WHERE status = 'pending';

-- +goose Down
DROP INDEX outbox_due;
