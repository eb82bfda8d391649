-- Schema 14: what a survey monitors (Regulation 2.3): a service, a project
-- or a provider of the config, as "water", "project:kensai-pump",
-- "provider:dep"; '' when it names none. A member recused from it (6.3)
-- neither launches it nor records its answers.

-- +goose Up
ALTER TABLE surveys ADD COLUMN object TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE surveys DROP COLUMN object;
