package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"bmjbt/monitoring"
	"bmjbt/survey"
)

// A group asked together in field mode (Regulation 5.6: a focus group, or
// a group discussion of another size): one record beside its response.

const gatheringColumns = `g.id, g.survey_id, g.response_id, g.kind, g.held_on, g.place, g.topic, g.moderator_member_id, g.moderator,
	g.participants, g.notes, g.recorded_by, g.created_at, r.completed_at, r.village`

type gatheringRow struct {
	ID          int64         `db:"id"`
	SurveyID    int64         `db:"survey_id"`
	ResponseID  int64         `db:"response_id"`
	Kind        string        `db:"kind"`
	HeldOn      string        `db:"held_on"`
	Place       string        `db:"place"`
	Topic       string        `db:"topic"`
	ModeratorID sql.NullInt64 `db:"moderator_member_id"`
	Moderator   string        `db:"moderator"`
	People      int           `db:"participants"`
	Notes       string        `db:"notes"`
	RecordedBy  int64         `db:"recorded_by"`
	CreatedAt   time.Time     `db:"created_at"`
	CompletedAt sql.NullTime  `db:"completed_at"`
	Village     string        `db:"village"`
}

func (r gatheringRow) gathering() survey.Gathering {
	return survey.Gathering{ID: r.ID, SurveyID: r.SurveyID, ResponseID: r.ResponseID, Kind: survey.GroupKind(r.Kind), HeldOn: r.HeldOn,
		Place: r.Place, Topic: r.Topic, ModeratorID: r.ModeratorID.Int64, Moderator: r.Moderator, People: r.People, Notes: r.Notes,
		RecordedBy: r.RecordedBy, CreatedAt: r.CreatedAt, Complete: r.CompletedAt.Valid, Village: r.Village}
}

// AddGathering keeps a group's record for the response that holds its
// answers; the response stands for as many people as took part.
func (tx *Tx) AddGathering(ctx context.Context, municipality string, g *survey.Gathering) error {
	if err := g.Check(); err != nil {
		return monitoring.Errorf(monitoring.EINVALID, "%v", err)
	}
	g.CreatedAt = tx.now
	var err error
	g.ID, err = tx.insertID(ctx, `INSERT INTO survey_groups (municipality, survey_id, response_id, kind, held_on, place, topic,
		moderator_member_id, moderator, participants, notes, recorded_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		municipality, g.SurveyID, g.ResponseID, string(g.Kind), g.HeldOn, g.Place, g.Topic, nullID(g.ModeratorID), g.Moderator,
		g.People, g.Notes, g.RecordedBy, g.CreatedAt)
	if err != nil {
		return fmt.Errorf("record a group for survey %d: %w", g.SurveyID, err)
	}
	if _, err := tx.exec(ctx, `UPDATE responses SET group_size = ? WHERE id = ?`, g.People, g.ResponseID); err != nil {
		return fmt.Errorf("record a group for response %d: %w", g.ResponseID, err)
	}
	return nil
}

// Gatherings lists a survey's group records in the order they were made,
// finished or not.
func (db *DB) Gatherings(ctx context.Context, surveyID int64) ([]survey.Gathering, error) {
	var rows []gatheringRow
	if err := db.sel(ctx, &rows, `SELECT `+gatheringColumns+` FROM survey_groups g JOIN responses r ON r.id = g.response_id
		WHERE g.survey_id = ? ORDER BY g.id`, surveyID); err != nil {
		return nil, fmt.Errorf("list survey %d groups: %w", surveyID, err)
	}
	out := make([]survey.Gathering, len(rows))
	for i, r := range rows {
		out[i] = r.gathering()
	}
	return out, nil
}
