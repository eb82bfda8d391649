-- +goose Up
-- Whom to tell when a file turns out too large while it downloads (the
-- size a sender declares is not trusted): the resident who sent it.
ALTER TABLE media ADD COLUMN resident_id INTEGER REFERENCES residents (id);
-- The WhatsApp number once linked: kept after the link is lost (the phone
-- unlinked the device, or `whatsapp logout`), so serve reports the channel
-- as configured but not linked instead of leaving it out.
ALTER TABLE municipalities ADD COLUMN whatsapp_number TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE municipalities DROP COLUMN whatsapp_number;
ALTER TABLE media DROP COLUMN resident_id;
