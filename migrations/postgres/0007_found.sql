-- +goose Up
-- Personal data a resident typed into a complaint's text (phone numbers,
-- e-mail addresses): masked in the text, kept here beside the contact, one
-- per line, for the members allowed to see contacts.
ALTER TABLE entry_contacts ADD COLUMN found TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE entry_contacts DROP COLUMN found;
