// Package migrations embeds the SQL schema, one folder per dialect. Files
// are numbered and only ever appended; goose records what ran in its own
// goose_db_version table, so other schemas (whatsmeow's) can share the
// database.
package migrations

import "embed"

// FS holds sqlite/*.sql and postgres/*.sql.
//
//go:embed sqlite/*.sql postgres/*.sql
var FS embed.FS
