-- Schema 3: a member is one person on every channel. A link code, made by
-- a member on one channel, binds their identity on another (WhatsApp by
-- phone number or LID) to the same membership.

-- +goose Up
ALTER TABLE invites ADD COLUMN link_member INTEGER REFERENCES members (id);

-- +goose Down
ALTER TABLE invites DROP COLUMN link_member;
