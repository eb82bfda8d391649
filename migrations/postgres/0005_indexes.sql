-- Schema 5: indexes on the hot paths. The residents of merged entries are
-- found by merged_into when the entry they joined moves on; /undo finds a
-- member's last action by (member_id, id); the journal is filtered by
-- village and by service within a period (list, export). The first two are
-- partial: most entries are never merged and most audit rows are a
-- resident's, so the index holds only the rows those queries look for.

-- +goose Up
CREATE INDEX entries_merged_into ON entries (merged_into) WHERE merged_into IS NOT NULL;
CREATE INDEX entry_events_member ON entry_events (member_id, id) WHERE member_id IS NOT NULL;
CREATE INDEX entries_village ON entries (municipality, village, created_at);
CREATE INDEX entries_service ON entries (municipality, service, created_at);

-- +goose Down
DROP INDEX entries_service;
DROP INDEX entries_village;
DROP INDEX entry_events_member;
DROP INDEX entries_merged_into;
