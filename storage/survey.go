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

// SetConsent records a resident's yes or no to surveys; the latest decides.
func (tx *Tx) SetConsent(ctx context.Context, municipality string, c monitoring.Consent) error {
	_, err := tx.exec(ctx, `INSERT INTO consents (municipality, resident_id, given, how, village, at) VALUES (?, ?, ?, ?, ?, ?)`,
		municipality, c.ResidentID, c.Given, c.How, c.Village, tx.now)
	if err != nil {
		return fmt.Errorf("record consent: %w", err)
	}
	return nil
}

// OfferConsent records that a resident was offered to be asked, unless
// they have any answer on record (offered before, or answered of their own
// accord), in one statement; it reports whether it recorded the offer.
func (tx *Tx) OfferConsent(ctx context.Context, municipality string, c monitoring.Consent) (bool, error) {
	res, err := tx.exec(ctx, `INSERT INTO consents (municipality, resident_id, given, how, village, at)
		SELECT ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM consents WHERE resident_id = ?)`,
		municipality, c.ResidentID, c.Given, c.How, c.Village, tx.now, c.ResidentID)
	if err != nil {
		return false, fmt.Errorf("offer consent: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("offer consent: %w", err)
	}
	return n > 0, nil
}

type consentRow struct {
	ResidentID int64     `db:"resident_id"`
	Given      bool      `db:"given"`
	How        string    `db:"how"`
	Village    string    `db:"village"`
	At         time.Time `db:"at"`
}

func (r consentRow) consent() monitoring.Consent {
	return monitoring.Consent{ResidentID: r.ResidentID, Given: r.Given, How: r.How, Village: r.Village, At: r.At}
}

// Consent is a resident's latest answer; the zero Consent (not given) when
// they were never asked.
func (tx *Tx) Consent(ctx context.Context, residentID int64) (monitoring.Consent, error) {
	var r consentRow
	err := tx.get(ctx, &r, `SELECT resident_id, given, how, village, at FROM consents WHERE resident_id = ? ORDER BY id DESC LIMIT 1`, residentID)
	if errors.Is(err, sql.ErrNoRows) {
		return monitoring.Consent{ResidentID: residentID}, nil
	}
	if err != nil {
		return monitoring.Consent{}, fmt.Errorf("read consent: %w", err)
	}
	return r.consent(), nil
}

// Subscribers lists the residents whose latest answer is yes, in the
// villages given (all when none), in the order they first wrote.
func (db *DB) Subscribers(ctx context.Context, municipality string, villages []string) ([]survey.Subscriber, error) {
	return subscribers(ctx, db.sel, municipality, villages)
}

// Subscribers, in a transaction: a launch from the chat.
func (tx *Tx) Subscribers(ctx context.Context, municipality string, villages []string) ([]survey.Subscriber, error) {
	return subscribers(ctx, tx.sel, municipality, villages)
}

func subscribers(ctx context.Context, sel func(ctx context.Context, dest any, q string, args ...any) error, municipality string, villages []string) ([]survey.Subscriber, error) {
	q := `SELECT r.id, r.municipality, r.channel, r.user_ref, r.chat_id, r.lang, r.created_at, c.village
		FROM consents c JOIN residents r ON r.id = c.resident_id
		WHERE c.municipality = ? AND c.given AND c.id = (SELECT MAX(c2.id) FROM consents c2 WHERE c2.resident_id = c.resident_id)`
	args := []any{municipality}
	if len(villages) > 0 {
		q += ` AND c.village IN (?` + strings.Repeat(", ?", len(villages)-1) + `)`
		for _, v := range villages {
			args = append(args, v)
		}
	}
	var rows []struct {
		residentRow
		Village string `db:"village"`
	}
	if err := sel(ctx, &rows, q+` ORDER BY r.id`, args...); err != nil {
		return nil, fmt.Errorf("list subscribers: %w", err)
	}
	out := make([]survey.Subscriber, len(rows))
	for i, r := range rows {
		out[i] = survey.Subscriber{Resident: r.resident(), Village: r.Village}
	}
	return out, nil
}

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
}

const surveyColumns = `id, municipality, form_id, title, state, method, target_group, villages, planned, starts_on, ends_on, created_at`

func (r surveyRow) record() survey.Record {
	return survey.Record{ID: r.ID, Municipality: r.Municipality, FormID: r.FormID, Title: r.Title, State: survey.State(r.State),
		Sampling: survey.Sampling{Method: r.Method, TargetGroup: r.TargetGroup, Villages: strings.Fields(r.Villages), Planned: r.Planned},
		StartsOn: r.StartsOn, EndsOn: r.EndsOn, CreatedAt: r.CreatedAt}
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
	_, err := db.exec(ctx, `UPDATE surveys SET title = ?, method = ?, target_group = ?, villages = ?, planned = ?, starts_on = ?, ends_on = ?
		WHERE municipality = ? AND id = ?`, rec.Title, rec.Sampling.Method, rec.Sampling.TargetGroup, strings.Join(rec.Sampling.Villages, " "),
		rec.Sampling.Planned, rec.StartsOn, rec.EndsOn, rec.Municipality, rec.ID)
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

// Invite records who is invited to a survey and queues their invitations
// as campaigns (one per survey.Invitation: a channel and a language) in one
// transaction: a launch happens whole or not at all. A resident already
// invited is skipped, so launching again reaches only the new
// subscribers. It returns how many were invited.
func (db *DB) Invite(ctx context.Context, municipality string, surveyID int64, invitations []survey.Invitation) (int, error) {
	return db.queueInvitations(ctx, municipality, surveyID, invitations, false)
}

// Remind queues the one reminder to invited residents (see ToRemind) and
// marks them reminded.
func (db *DB) Remind(ctx context.Context, municipality string, surveyID int64, invitations []survey.Invitation) (int, error) {
	return db.queueInvitations(ctx, municipality, surveyID, invitations, true)
}

func (db *DB) queueInvitations(ctx context.Context, municipality string, surveyID int64, invitations []survey.Invitation, remind bool) (int, error) {
	total := 0
	err := db.InTx(ctx, func(tx *Tx) (err error) {
		total, err = tx.Invite(ctx, municipality, surveyID, invitations, remind)
		return err
	})
	return total, err
}

// Invite queues invitations (or, with remind, the reminder) within a
// transaction: a launch from the chat commits with the turn.
func (tx *Tx) Invite(ctx context.Context, municipality string, surveyID int64, invitations []survey.Invitation, remind bool) (int, error) {
	total := 0
	err := func() error {
		var invited []int64
		if err := tx.sel(ctx, &invited, `SELECT resident_id FROM invitations WHERE survey_id = ?`, surveyID); err != nil {
			return fmt.Errorf("read invitations: %w", err)
		}
		known := make(map[int64]bool, len(invited))
		for _, id := range invited {
			known[id] = true
		}
		for _, inv := range invitations {
			var chats []string
			var ids []int64
			for _, r := range inv.Residents {
				if known[r.ID] != remind { // invite the new; remind the invited
					continue
				}
				chats, ids = append(chats, r.ChatID), append(ids, r.ID)
			}
			if len(ids) == 0 {
				continue
			}
			name := fmt.Sprintf("survey %d", surveyID)
			if remind {
				name += " reminder"
			}
			campaign, err := tx.createCampaign(ctx, municipality, inv.Channel, name, chats, inv.Payload)
			if err != nil {
				return err
			}
			for start := 0; start < len(ids); start += 300 {
				chunk := ids[start:min(start+300, len(ids))]
				var q string
				args := make([]any, 0, 4*len(chunk))
				if remind {
					q = `UPDATE invitations SET reminded_at = ? WHERE survey_id = ? AND resident_id IN (?` + strings.Repeat(", ?", len(chunk)-1) + `)`
					args = append(args, tx.now, surveyID)
					for _, id := range chunk {
						args = append(args, id)
					}
				} else {
					q = `INSERT INTO invitations (survey_id, resident_id, campaign_id, invited_at) VALUES (?, ?, ?, ?)` + strings.Repeat(", (?, ?, ?, ?)", len(chunk)-1)
					for _, id := range chunk {
						args = append(args, surveyID, id, campaign, tx.now)
					}
				}
				if _, err := tx.exec(ctx, q, args...); err != nil {
					return fmt.Errorf("record invitations: %w", err)
				}
			}
			total += len(ids)
		}
		return nil
	}()
	return total, err
}

// ToRemind lists the residents invited to a survey who were not reminded
// yet, have not finished it, and still agree to be asked.
func (db *DB) ToRemind(ctx context.Context, municipality string, surveyID int64) ([]survey.Subscriber, error) {
	var rows []struct {
		residentRow
		Village string `db:"village"`
	}
	err := db.sel(ctx, &rows, `SELECT r.id, r.municipality, r.channel, r.user_ref, r.chat_id, r.lang, r.created_at, c.village
		FROM invitations i
		JOIN residents r ON r.id = i.resident_id
		JOIN consents c ON c.id = (SELECT MAX(c2.id) FROM consents c2 WHERE c2.resident_id = i.resident_id)
		WHERE i.survey_id = ? AND r.municipality = ? AND i.reminded_at IS NULL AND c.given
		AND NOT EXISTS (SELECT 1 FROM responses p WHERE p.survey_id = i.survey_id AND p.resident_id = i.resident_id AND p.completed_at IS NOT NULL)
		ORDER BY r.id`, surveyID, municipality)
	if err != nil {
		return nil, fmt.Errorf("list residents to remind: %w", err)
	}
	out := make([]survey.Subscriber, len(rows))
	for i, r := range rows {
		out[i] = survey.Subscriber{Resident: r.resident(), Village: r.Village}
	}
	return out, nil
}

// Invited says whether a resident is invited to a survey.
func (tx *Tx) Invited(ctx context.Context, surveyID, residentID int64) (bool, error) {
	var n int
	if err := tx.get(ctx, &n, `SELECT COUNT(*) FROM invitations WHERE survey_id = ? AND resident_id = ?`, surveyID, residentID); err != nil {
		return false, fmt.Errorf("read invitation: %w", err)
	}
	return n > 0, nil
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

// PendingInvitation is the open survey a resident was invited to most
// lately and has not finished (0 when none): what a typed "1" or "start"
// answers on a channel without buttons.
func (tx *Tx) PendingInvitation(ctx context.Context, residentID int64) (int64, error) {
	var ids []int64
	err := tx.sel(ctx, &ids, `SELECT i.survey_id FROM invitations i JOIN surveys s ON s.id = i.survey_id
		WHERE i.resident_id = ? AND s.state = 'open'
		AND NOT EXISTS (SELECT 1 FROM responses p WHERE p.survey_id = i.survey_id AND p.resident_id = i.resident_id AND p.completed_at IS NOT NULL)
		ORDER BY i.invited_at DESC, i.survey_id DESC LIMIT 1`, residentID)
	if err != nil {
		return 0, fmt.Errorf("read pending invitations: %w", err)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	return ids[0], nil
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

// InvitedCount is how many residents a survey invited.
func (tx *Tx) InvitedCount(ctx context.Context, surveyID int64) (int, error) {
	var n int
	if err := tx.get(ctx, &n, `SELECT COUNT(*) FROM invitations WHERE survey_id = ?`, surveyID); err != nil {
		return 0, fmt.Errorf("count invitations: %w", err)
	}
	return n, nil
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
