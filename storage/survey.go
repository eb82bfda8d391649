package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"bmjbt/monitoring"
	"bmjbt/survey"
)

type surveyRow struct {
	ID           int64     `db:"id"`
	Municipality string    `db:"municipality"`
	FormID       string    `db:"form_id"`
	Title        string    `db:"title"`
	State        string    `db:"state"`
	Method       string    `db:"method"`
	TargetGroup  string    `db:"target_group"`
	Villages     string    `db:"villages"`
	Planned      int       `db:"planned"`
	StartsOn     string    `db:"starts_on"`
	EndsOn       string    `db:"ends_on"`
	CreatedAt    time.Time `db:"created_at"`
	Object       string    `db:"object"`
	NoticeWaiver string    `db:"notice_waiver"`
}

const surveyColumns = `id, municipality, form_id, title, state, method, target_group, villages, planned, starts_on, ends_on, created_at, object, notice_waiver`

func (r surveyRow) record() survey.Record {
	return survey.Record{ID: r.ID, Municipality: r.Municipality, FormID: r.FormID, Title: r.Title, State: survey.State(r.State),
		Sampling: survey.Sampling{Method: r.Method, TargetGroup: r.TargetGroup, Villages: strings.Fields(r.Villages), Planned: r.Planned},
		StartsOn: r.StartsOn, EndsOn: r.EndsOn, CreatedAt: r.CreatedAt, Object: r.Object, NoticeWaiver: r.NoticeWaiver}
}

// ImportSurvey stores a form: a new survey in draft, or a new version of
// the survey with the same form id (its responses keep their version). A
// closed survey takes no new version.
func (db *DB) ImportSurvey(ctx context.Context, rec *survey.Record, v *survey.Version) error {
	return db.InTx(ctx, func(tx *Tx) error {
		var existing surveyRow
		err := tx.get(ctx, &existing, `SELECT `+surveyColumns+` FROM surveys WHERE municipality = ? AND form_id = ?`+tx.forUpdate(), rec.Municipality, rec.FormID)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			rec.State, rec.CreatedAt = survey.Draft, tx.now
			rec.ID, err = tx.insertID(ctx, `INSERT INTO surveys (municipality, form_id, title, state, method, target_group, villages, planned, starts_on, ends_on, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, rec.Municipality, rec.FormID, rec.Title, string(rec.State), rec.Sampling.Method,
				rec.Sampling.TargetGroup, strings.Join(rec.Sampling.Villages, " "), rec.Sampling.Planned, rec.StartsOn, rec.EndsOn, rec.CreatedAt)
			if err != nil {
				return fmt.Errorf("add survey %s: %w", rec.FormID, err)
			}
		case err != nil:
			return fmt.Errorf("read survey %s: %w", rec.FormID, err)
		case existing.State == string(survey.Closed):
			return monitoring.Errorf(monitoring.ECONFLICT, "survey %s is closed; give the form a new form_id to run it again", rec.FormID)
		default:
			*rec = existing.record()
		}
		v.SurveyID, v.ImportedAt = rec.ID, tx.now
		if v.ID, err = tx.insertID(ctx, `INSERT INTO survey_versions (survey_id, version, form, imported_at) VALUES (?, ?, ?, ?)`,
			v.SurveyID, v.Version, string(v.Form), v.ImportedAt); err != nil {
			return fmt.Errorf("add survey %s version %s: %w", rec.FormID, v.Version, err)
		}
		return nil
	})
}

// Surveys lists a municipality's surveys, newest first.
func (db *DB) Surveys(ctx context.Context, municipality string) ([]survey.Record, error) {
	var rows []surveyRow
	if err := db.sel(ctx, &rows, `SELECT `+surveyColumns+` FROM surveys WHERE municipality = ? ORDER BY id DESC`, municipality); err != nil {
		return nil, fmt.Errorf("list surveys: %w", err)
	}
	out := make([]survey.Record, len(rows))
	for i, r := range rows {
		out[i] = r.record()
	}
	return out, nil
}

// Survey returns one survey of the municipality.
func (db *DB) Survey(ctx context.Context, municipality string, id int64) (survey.Record, error) {
	var r surveyRow
	err := db.get(ctx, &r, `SELECT `+surveyColumns+` FROM surveys WHERE municipality = ? AND id = ?`, municipality, id)
	if errors.Is(err, sql.ErrNoRows) {
		return survey.Record{}, monitoring.Errorf(monitoring.ENOTFOUND, "no survey %d (see `bmjbt survey list`)", id)
	}
	if err != nil {
		return survey.Record{}, fmt.Errorf("read survey %d: %w", id, err)
	}
	return r.record(), nil
}

// UpdateSurvey keeps a survey's sampling guide, dates and title.
func (db *DB) UpdateSurvey(ctx context.Context, rec survey.Record) error {
	_, err := db.exec(ctx, `UPDATE surveys SET title = ?, method = ?, target_group = ?, villages = ?, planned = ?, starts_on = ?, ends_on = ?, object = ?
		WHERE municipality = ? AND id = ?`, rec.Title, rec.Sampling.Method, rec.Sampling.TargetGroup, strings.Join(rec.Sampling.Villages, " "),
		rec.Sampling.Planned, rec.StartsOn, rec.EndsOn, rec.Object, rec.Municipality, rec.ID)
	if err != nil {
		return fmt.Errorf("update survey %d: %w", rec.ID, err)
	}
	return nil
}

// MoveSurvey changes a survey's state if survey.State.Move allows it.
func (db *DB) MoveSurvey(ctx context.Context, municipality string, id int64, next survey.State) (survey.Record, error) {
	var rec survey.Record
	err := db.InTx(ctx, func(tx *Tx) error {
		var r surveyRow
		err := tx.get(ctx, &r, `SELECT `+surveyColumns+` FROM surveys WHERE municipality = ? AND id = ?`+tx.forUpdate(), municipality, id)
		if errors.Is(err, sql.ErrNoRows) {
			return monitoring.Errorf(monitoring.ENOTFOUND, "no survey %d (see `bmjbt survey list`)", id)
		}
		if err != nil {
			return fmt.Errorf("read survey %d: %w", id, err)
		}
		rec = r.record()
		if next == survey.Open {
			if d, err := tx.Dissolution(ctx, municipality); err == nil {
				return monitoring.Errorf(monitoring.EUNAUTHORIZED, "the group was dissolved by the council's decision № %s of %s (Regulation 9): its surveys stay closed",
					d.Decision.Number, monitoring.Day(d.Decision.Date))
			} else if monitoring.ErrorCode(err) != monitoring.ENOTFOUND {
				return err
			}
		}
		if err := rec.State.Move(next); err != nil {
			return monitoring.Errorf(monitoring.ECONFLICT, "survey %d: %v", id, err)
		}
		if _, err := tx.exec(ctx, `UPDATE surveys SET state = ? WHERE id = ?`, string(next), id); err != nil {
			return fmt.Errorf("move survey %d: %w", id, err)
		}
		rec.State = next
		return nil
	})
	return rec, err
}

type versionRow struct {
	ID         int64     `db:"id"`
	SurveyID   int64     `db:"survey_id"`
	Version    string    `db:"version"`
	Form       string    `db:"form"`
	ImportedAt time.Time `db:"imported_at"`
}

func (r versionRow) version() survey.Version {
	return survey.Version{ID: r.ID, SurveyID: r.SurveyID, Version: r.Version, Form: []byte(r.Form), ImportedAt: r.ImportedAt}
}

// LatestVersion is the form new respondents get.
func (db *DB) LatestVersion(ctx context.Context, surveyID int64) (survey.Version, error) {
	var r versionRow
	if err := db.get(ctx, &r, `SELECT id, survey_id, version, form, imported_at FROM survey_versions WHERE survey_id = ? ORDER BY id DESC LIMIT 1`, surveyID); err != nil {
		return survey.Version{}, fmt.Errorf("read survey %d form: %w", surveyID, err)
	}
	return r.version(), nil
}

// Versions lists a survey's forms, oldest first (exports take the union of
// their questions).
func (db *DB) Versions(ctx context.Context, surveyID int64) ([]survey.Version, error) {
	var rows []versionRow
	if err := db.sel(ctx, &rows, `SELECT id, survey_id, version, form, imported_at FROM survey_versions WHERE survey_id = ? ORDER BY id`, surveyID); err != nil {
		return nil, fmt.Errorf("read survey %d forms: %w", surveyID, err)
	}
	out := make([]survey.Version, len(rows))
	for i, r := range rows {
		out[i] = r.version()
	}
	return out, nil
}

type responseRow struct {
	ID          int64         `db:"id"`
	SurveyID    int64         `db:"survey_id"`
	VersionID   int64         `db:"version_id"`
	ResidentID  sql.NullInt64 `db:"resident_id"`
	MemberID    sql.NullInt64 `db:"member_id"`
	GroupSize   int           `db:"group_size"`
	Channel     string        `db:"channel"`
	Village     string        `db:"village"`
	UUID        string        `db:"uuid"`
	Answers     string        `db:"answers"`
	StartedAt   time.Time     `db:"started_at"`
	CompletedAt sql.NullTime  `db:"completed_at"`
}

const responseColumns = `id, survey_id, version_id, resident_id, member_id, group_size, channel, village, uuid, answers, started_at, completed_at`

func (r responseRow) response() (survey.Response, error) {
	out := survey.Response{ID: r.ID, SurveyID: r.SurveyID, VersionID: r.VersionID, ResidentID: r.ResidentID.Int64, MemberID: r.MemberID.Int64,
		GroupSize: r.GroupSize, Channel: r.Channel, Village: r.Village, UUID: r.UUID, StartedAt: r.StartedAt, CompletedAt: r.CompletedAt.Time}
	if err := json.Unmarshal([]byte(r.Answers), &out.Answers); err != nil {
		return out, fmt.Errorf("read response %d answers: %w", r.ID, err)
	}
	return out, nil
}

// StartResponse begins a response. A resident has one per survey: their
// second start is refused with ECONFLICT (the caller resumes the first).
func (tx *Tx) StartResponse(ctx context.Context, municipality string, r *survey.Response) error {
	if r.ResidentID != 0 {
		if _, found, err := tx.ResidentResponse(ctx, r.SurveyID, r.ResidentID); err != nil {
			return err
		} else if found {
			return monitoring.Errorf(monitoring.ECONFLICT, "already answering survey %d", r.SurveyID)
		}
	}
	if r.GroupSize < 1 {
		r.GroupSize = 1
	}
	if r.Answers == nil {
		r.Answers = map[string]survey.Answer{}
	}
	answers, err := json.Marshal(r.Answers)
	if err != nil {
		return fmt.Errorf("encode answers: %w", err)
	}
	// A random _uuid: it says nothing of who answered.
	r.UUID, r.StartedAt = uuid.NewString(), tx.now
	r.ID, err = tx.insertID(ctx, `INSERT INTO responses (municipality, survey_id, version_id, resident_id, member_id, group_size, channel, village, uuid, answers, started_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, municipality, r.SurveyID, r.VersionID, nullID(r.ResidentID), nullID(r.MemberID),
		r.GroupSize, r.Channel, r.Village, r.UUID, string(answers), r.StartedAt)
	if err != nil {
		return fmt.Errorf("start a response to survey %d: %w", r.SurveyID, err)
	}
	return nil
}

// ResidentResponse is a resident's response to a survey, if they began one.
func (tx *Tx) ResidentResponse(ctx context.Context, surveyID, residentID int64) (survey.Response, bool, error) {
	var r responseRow
	err := tx.get(ctx, &r, `SELECT `+responseColumns+` FROM responses WHERE survey_id = ? AND resident_id = ?`, surveyID, residentID)
	if errors.Is(err, sql.ErrNoRows) {
		return survey.Response{}, false, nil
	}
	if err != nil {
		return survey.Response{}, false, fmt.Errorf("read response: %w", err)
	}
	out, err := r.response()
	return out, true, err
}

// SaveAnswers keeps a response's answers as they stand; complete marks it
// finished (the answers then are the ones that count).
func (tx *Tx) SaveAnswers(ctx context.Context, responseID int64, answers map[string]survey.Answer, complete bool) error {
	raw, err := json.Marshal(answers)
	if err != nil {
		return fmt.Errorf("encode answers: %w", err)
	}
	q := `UPDATE responses SET answers = ? WHERE id = ?`
	args := []any{string(raw), responseID}
	if complete {
		q = `UPDATE responses SET answers = ?, completed_at = ? WHERE id = ?`
		args = []any{string(raw), tx.now, responseID}
	}
	if _, err := tx.exec(ctx, q, args...); err != nil {
		return fmt.Errorf("save response %d: %w", responseID, err)
	}
	return nil
}

// EachResponse calls fn for a survey's responses in the order they began,
// reading them as the database streams them (exports of any size).
func (db *DB) EachResponse(ctx context.Context, surveyID int64, fn func(survey.Response) error) error {
	db.statements.Add(1)
	rows, err := db.db.QueryxContext(ctx, db.rebind(`SELECT `+responseColumns+` FROM responses WHERE survey_id = ? ORDER BY id`), surveyID)
	if err != nil {
		return fmt.Errorf("read responses: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r responseRow
		if err := rows.StructScan(&r); err != nil {
			return fmt.Errorf("read a response: %w", err)
		}
		resp, err := r.response()
		if err != nil {
			return err
		}
		if err := fn(resp); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CountResponses says how many responses a survey has begun and finished.
func (db *DB) CountResponses(ctx context.Context, surveyID int64) (begun, complete int, err error) {
	var c struct {
		Begun    int `db:"begun"`
		Complete int `db:"complete"`
	}
	if err := db.get(ctx, &c, `SELECT COUNT(*) AS begun, COUNT(completed_at) AS complete FROM responses WHERE survey_id = ?`, surveyID); err != nil {
		return 0, 0, fmt.Errorf("count responses: %w", err)
	}
	return c.Begun, c.Complete, nil
}

// OpenSurvey is a survey as a resident's turn reads it, with the form new
// respondents get.
func (tx *Tx) OpenSurvey(ctx context.Context, municipality string, id int64) (survey.Record, survey.Version, error) {
	var r surveyRow
	err := tx.get(ctx, &r, `SELECT `+surveyColumns+` FROM surveys WHERE municipality = ? AND id = ?`, municipality, id)
	if errors.Is(err, sql.ErrNoRows) {
		return survey.Record{}, survey.Version{}, monitoring.Errorf(monitoring.ENOTFOUND, "no survey %d", id)
	}
	if err != nil {
		return survey.Record{}, survey.Version{}, fmt.Errorf("read survey %d: %w", id, err)
	}
	var v versionRow
	if err := tx.get(ctx, &v, `SELECT id, survey_id, version, form, imported_at FROM survey_versions WHERE survey_id = ? ORDER BY id DESC LIMIT 1`, id); err != nil {
		return survey.Record{}, survey.Version{}, fmt.Errorf("read survey %d form: %w", id, err)
	}
	return r.record(), v.version(), nil
}

// FormVersion is one version of a survey's form: the one a response began with.
func (tx *Tx) FormVersion(ctx context.Context, id int64) (survey.Version, error) {
	var v versionRow
	if err := tx.get(ctx, &v, `SELECT id, survey_id, version, form, imported_at FROM survey_versions WHERE id = ?`, id); err != nil {
		return survey.Version{}, fmt.Errorf("read form version %d: %w", id, err)
	}
	return v.version(), nil
}

// Response is one response by its id.
func (tx *Tx) Response(ctx context.Context, id int64) (survey.Response, error) {
	var r responseRow
	err := tx.get(ctx, &r, `SELECT `+responseColumns+` FROM responses WHERE id = ?`, id)
	if errors.Is(err, sql.ErrNoRows) {
		return survey.Response{}, monitoring.Errorf(monitoring.ENOTFOUND, "no response %d", id)
	}
	if err != nil {
		return survey.Response{}, fmt.Errorf("read response %d: %w", id, err)
	}
	return r.response()
}

// SurveyResponses are all of a survey's responses, for a summary in the
// chat (the exports stream them instead).
func (tx *Tx) SurveyResponses(ctx context.Context, surveyID int64) ([]survey.Response, error) {
	var rows []responseRow
	if err := tx.sel(ctx, &rows, `SELECT `+responseColumns+` FROM responses WHERE survey_id = ? ORDER BY id`, surveyID); err != nil {
		return nil, fmt.Errorf("read responses: %w", err)
	}
	out := make([]survey.Response, 0, len(rows))
	for _, r := range rows {
		resp, err := r.response()
		if err != nil {
			return nil, err
		}
		out = append(out, resp)
	}
	return out, nil
}

// OpenSurveys are the municipality's surveys a member may record or read
// results of: every one not in draft, newest first.
func (tx *Tx) OpenSurveys(ctx context.Context, municipality string) ([]survey.Record, error) {
	var rows []surveyRow
	if err := tx.sel(ctx, &rows, `SELECT `+surveyColumns+` FROM surveys WHERE municipality = ? AND state <> 'draft' ORDER BY id DESC`, municipality); err != nil {
		return nil, fmt.Errorf("list surveys: %w", err)
	}
	out := make([]survey.Record, len(rows))
	for i, r := range rows {
		out[i] = r.record()
	}
	return out, nil
}
