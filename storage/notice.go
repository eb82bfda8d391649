package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"bmjbt/monitoring"
)

// AddNotice records a communication to stakeholders; a notice before
// monitoring takes the next number of its year.
func (tx *Tx) AddNotice(ctx context.Context, n *monitoring.Notice) error {
	if err := n.CheckNotice(); err != nil {
		return err
	}
	year := n.SentOn.In(monitoring.Bishkek).Year()
	seq := 0
	if n.Kind == monitoring.NoticeBefore {
		if err := tx.Hold(ctx, n.Municipality); err != nil {
			return err
		}
		var last sql.NullInt64
		if err := tx.get(ctx, &last, `SELECT MAX(seq) FROM notices WHERE municipality = ? AND year = ? AND kind = ?`, n.Municipality, year, string(monitoring.NoticeBefore)); err != nil {
			return fmt.Errorf("number the notice: %w", err)
		}
		seq = int(last.Int64) + 1
	}
	var err error
	n.ID, err = tx.insertID(ctx, `INSERT INTO notices (municipality, kind, year, seq, object, plan_item, recipients, procedure, methods, aims, tasks, body, sent_on, how, recorded_by, recorded_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		n.Municipality, string(n.Kind), year, seq, n.Object, n.PlanItem, n.Recipients, n.Procedure, n.Methods, n.Aims, n.Tasks, n.Text,
		monitoring.Day(n.SentOn), n.How, nullID(n.RecordedBy), tx.now)
	if err != nil {
		return fmt.Errorf("record the notice: %w", err)
	}
	n.Number, n.RecordedAt = monitoring.NoticeNumber{Year: year, Seq: seq}, tx.now
	return nil
}

// Notices lists the communications about object ("" for all), oldest first.
func (db *DB) Notices(ctx context.Context, municipality, object string) ([]monitoring.Notice, error) {
	return notices(ctx, db, municipality, object)
}

// Notices, inside a transaction.
func (tx *Tx) Notices(ctx context.Context, municipality, object string) ([]monitoring.Notice, error) {
	return notices(ctx, tx, municipality, object)
}

func notices(ctx context.Context, q querier, municipality, object string) ([]monitoring.Notice, error) {
	where, args := "municipality = ?", []any{municipality}
	if object != "" {
		where, args = where+" AND object = ?", append(args, object)
	}
	var rows []struct {
		ID         int64         `db:"id"`
		Kind       string        `db:"kind"`
		Year       int           `db:"year"`
		Seq        int           `db:"seq"`
		Object     string        `db:"object"`
		PlanItem   string        `db:"plan_item"`
		Recipients string        `db:"recipients"`
		Procedure  string        `db:"procedure"`
		Methods    string        `db:"methods"`
		Aims       string        `db:"aims"`
		Tasks      string        `db:"tasks"`
		Body       string        `db:"body"`
		SentOn     string        `db:"sent_on"`
		How        string        `db:"how"`
		RecordedBy sql.NullInt64 `db:"recorded_by"`
		RecordedAt time.Time     `db:"recorded_at"`
	}
	if err := q.sel(ctx, &rows, `SELECT id, kind, year, seq, object, plan_item, recipients, procedure, methods, aims, tasks, body, sent_on, how, recorded_by, recorded_at
		FROM notices WHERE `+where+` ORDER BY sent_on, id`, args...); err != nil {
		return nil, fmt.Errorf("list notices: %w", err)
	}
	out := make([]monitoring.Notice, len(rows))
	for i, r := range rows {
		sent, _ := monitoring.ParseDay(r.SentOn)
		out[i] = monitoring.Notice{ID: r.ID, Municipality: municipality, Kind: monitoring.NoticeKind(r.Kind), Number: monitoring.NoticeNumber{Year: r.Year, Seq: r.Seq},
			Object: r.Object, PlanItem: r.PlanItem, Recipients: r.Recipients, Procedure: r.Procedure, Methods: r.Methods, Aims: r.Aims, Tasks: r.Tasks,
			Text: r.Body, SentOn: sent, How: r.How, RecordedBy: r.RecordedBy.Int64, RecordedAt: r.RecordedAt}
	}
	return out, nil
}

// WaiveNotice records why a survey on an object is launched without a
// notice before monitoring (5.2); its results print the reason.
func (db *DB) WaiveNotice(ctx context.Context, municipality string, surveyID int64, reason string) error {
	if _, err := db.exec(ctx, `UPDATE surveys SET notice_waiver = ? WHERE municipality = ? AND id = ?`, reason, municipality, surveyID); err != nil {
		return fmt.Errorf("record why survey %d has no notice: %w", surveyID, err)
	}
	return nil
}
