-- Schema 4: on channels with numbered menus a typed "2" answers the last
-- menu the chat was sent; finding it reads a chat's outbox newest first.

-- +goose Up
CREATE INDEX outbox_chat ON outbox (municipality, channel, chat_id, id);

-- +goose Down
DROP INDEX outbox_chat;
