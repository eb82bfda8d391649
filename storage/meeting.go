package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"bmjbt/monitoring"
)

// CreateMeeting records a meeting with the next minutes number of its
// year (in Bishkek) and lists every active member as present, to be
// corrected by the secretary.
func (tx *Tx) CreateMeeting(ctx context.Context, mt *monitoring.Meeting) error {
	year := mt.HeldAt.In(monitoring.Bishkek).Year()
	// Numbers are taken in turn: two secretaries recording at once get 4
	// and 5, not 4 twice.
	if err := tx.Hold(ctx, mt.Municipality); err != nil {
		return err
	}
	var last sql.NullInt64
	if err := tx.get(ctx, &last, `SELECT MAX(seq) FROM meetings WHERE municipality = ? AND year = ?`, mt.Municipality, year); err != nil {
		return fmt.Errorf("number the minutes: %w", err)
	}
	mt.Number = monitoring.MinutesNumber{Year: year, Seq: int(last.Int64) + 1}
	var err error
	mt.ID, err = tx.insertID(ctx, `INSERT INTO meetings (municipality, year, seq, held_at, place, agenda, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		mt.Municipality, year, mt.Number.Seq, mt.HeldAt.UTC(), mt.Place, strings.Join(mt.Agenda, "\n"), nullID(mt.RecordedBy), tx.now)
	if err != nil {
		return fmt.Errorf("record meeting %s: %w", mt.Number, err)
	}
	members, err := tx.Members(ctx, mt.Municipality, false)
	if err != nil {
		return err
	}
	mt.Attendance = nil
	for _, m := range members {
		if _, err := tx.exec(ctx, `INSERT INTO meeting_attendance (meeting_id, member_id, presence) VALUES (?, ?, ?)`, mt.ID, m.ID, string(monitoring.Present)); err != nil {
			return fmt.Errorf("list attendance: %w", err)
		}
		mt.Attendance = append(mt.Attendance, monitoring.Attendee{MemberID: m.ID, Name: m.Name, Role: m.Role, Presence: monitoring.Present})
	}
	return nil
}

// SetAttendance records how a member attended a meeting whose minutes are
// not signed yet.
func (tx *Tx) SetAttendance(ctx context.Context, meetingID, memberID int64, p monitoring.Presence, reason string) error {
	if err := tx.unsigned(ctx, meetingID); err != nil {
		return err
	}
	res, err := tx.exec(ctx, `UPDATE meeting_attendance SET presence = ?, reason = ? WHERE meeting_id = ? AND member_id = ?`, string(p), reason, meetingID, memberID)
	if err != nil {
		return fmt.Errorf("record attendance: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return monitoring.Errorf(monitoring.ENOTFOUND, "member %d is not on the list of meeting %d", memberID, meetingID)
	}
	return nil
}

// AddDecision records a decision taken at a meeting whose minutes are not
// signed yet; an election (3.5) also gives the elected member the role.
func (tx *Tx) AddDecision(ctx context.Context, municipality string, meetingID int64, d monitoring.MeetingDecision) error {
	if err := tx.unsigned(ctx, meetingID); err != nil {
		return err
	}
	var present int
	if err := tx.get(ctx, &present, `SELECT COUNT(*) FROM meeting_attendance WHERE meeting_id = ? AND presence = ?`, meetingID, string(monitoring.Present)); err != nil {
		return fmt.Errorf("count those present at meeting %d: %w", meetingID, err)
	}
	if err := d.Check(present); err != nil {
		return err
	}
	var last sql.NullInt64
	if err := tx.get(ctx, &last, `SELECT MAX(seq) FROM meeting_decisions WHERE meeting_id = ?`, meetingID); err != nil {
		return fmt.Errorf("number the decision: %w", err)
	}
	if d.Elects != "" {
		if _, err := tx.elect(ctx, municipality, d.Elected, d.Elects); err != nil {
			return err
		}
	}
	if _, err := tx.exec(ctx, `INSERT INTO meeting_decisions (meeting_id, seq, text, votes_for, votes_against, abstained, elects, elected) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		meetingID, last.Int64+1, d.Text, d.For, d.Against, d.Abstained, string(d.Elects), nullID(d.Elected)); err != nil {
		return fmt.Errorf("record the decision: %w", err)
	}
	return nil
}

// elect gives a member the role the meeting elected them to (3.5); whoever
// held a unique role before becomes an ordinary member.
func (tx *Tx) elect(ctx context.Context, municipality string, memberID int64, role monitoring.Role) (monitoring.Member, error) {
	var r memberRow
	err := tx.get(ctx, &r, `SELECT `+memberColumns+` FROM members m WHERE m.municipality = ? AND m.id = ? AND m.removed_at IS NULL`, municipality, memberID)
	if errors.Is(err, sql.ErrNoRows) {
		return monitoring.Member{}, monitoring.Errorf(monitoring.ENOTFOUND, "member %d not found in the group", memberID)
	}
	if err != nil {
		return monitoring.Member{}, fmt.Errorf("read member %d: %w", memberID, err)
	}
	if role.Unique() {
		if _, err := tx.exec(ctx, `UPDATE members SET role = ? WHERE municipality = ? AND role = ? AND removed_at IS NULL AND id <> ?`,
			string(monitoring.Ordinary), municipality, string(role), memberID); err != nil {
			return monitoring.Member{}, fmt.Errorf("step down the former %s: %w", role, err)
		}
	}
	if _, err := tx.exec(ctx, `UPDATE members SET role = ? WHERE id = ?`, string(role), memberID); err != nil {
		return monitoring.Member{}, fmt.Errorf("elect member %d: %w", memberID, err)
	}
	m := r.member()
	m.Role = role
	return m, nil
}

// unsigned refuses changes to signed minutes: what was signed stays.
func (tx *Tx) unsigned(ctx context.Context, meetingID int64) error {
	var signed []sql.NullTime
	if err := tx.sel(ctx, &signed, `SELECT signed_at FROM meetings WHERE id = ?`, meetingID); err != nil {
		return fmt.Errorf("read meeting %d: %w", meetingID, err)
	}
	if len(signed) == 0 {
		return monitoring.Errorf(monitoring.ENOTFOUND, "no meeting %d", meetingID)
	}
	if signed[0].Valid {
		return monitoring.Errorf(monitoring.ECONFLICT, "the minutes of meeting %d are signed and stay as signed", meetingID)
	}
	return nil
}

// SignMinutes signs a meeting's minutes as monitoring.SignAs decides (3.6).
func (tx *Tx) SignMinutes(ctx context.Context, municipality string, meetingID int64, signer monitoring.Member, inChat bool) (monitoring.Signature, error) {
	if err := tx.unsigned(ctx, meetingID); err != nil {
		return monitoring.Signature{}, err
	}
	absences, err := tx.ChairAbsences(ctx, municipality)
	if err != nil {
		return monitoring.Signature{}, err
	}
	sig, err := monitoring.SignAs(signer, absences, tx.now)
	if err != nil {
		return monitoring.Signature{}, err
	}
	sig.InChat = inChat
	if _, err := tx.exec(ctx, `UPDATE meetings SET signed_by = ?, signed_acting = ?, signed_in_chat = ?, signed_at = ? WHERE id = ?`, signer.ID, sig.Acting, inChat, tx.now, meetingID); err != nil {
		return monitoring.Signature{}, fmt.Errorf("sign the minutes of meeting %d: %w", meetingID, err)
	}
	return sig, nil
}

type meetingRow struct {
	ID           int64         `db:"id"`
	Municipality string        `db:"municipality"`
	Year         int           `db:"year"`
	Seq          int           `db:"seq"`
	HeldAt       time.Time     `db:"held_at"`
	Place        string        `db:"place"`
	Agenda       string        `db:"agenda"`
	RecordedBy   sql.NullInt64 `db:"recorded_by"`
	SignedBy     sql.NullInt64 `db:"signed_by"`
	SignedActing bool          `db:"signed_acting"`
	SignedInChat bool          `db:"signed_in_chat"`
	SignedAt     sql.NullTime  `db:"signed_at"`
	SignerName   string        `db:"signer_name"`
}

// Meetings lists the group's meetings, oldest first, with attendance and
// decisions.
func (db *DB) Meetings(ctx context.Context, municipality string) ([]monitoring.Meeting, error) {
	return meetings(ctx, db, municipality, 0)
}

// Meetings, inside a transaction.
func (tx *Tx) Meetings(ctx context.Context, municipality string) ([]monitoring.Meeting, error) {
	return meetings(ctx, tx, municipality, 0)
}

// Meeting is one meeting, or ENOTFOUND.
func (db *DB) Meeting(ctx context.Context, municipality string, id int64) (monitoring.Meeting, error) {
	return meeting(ctx, db, municipality, id)
}

// Meeting, inside a transaction.
func (tx *Tx) Meeting(ctx context.Context, municipality string, id int64) (monitoring.Meeting, error) {
	return meeting(ctx, tx, municipality, id)
}

func meeting(ctx context.Context, q querier, municipality string, id int64) (monitoring.Meeting, error) {
	ms, err := meetings(ctx, q, municipality, id)
	if err != nil {
		return monitoring.Meeting{}, err
	}
	if len(ms) == 0 {
		return monitoring.Meeting{}, monitoring.Errorf(monitoring.ENOTFOUND, "no meeting %d (see `bmjbt meeting list`)", id)
	}
	return ms[0], nil
}

func meetings(ctx context.Context, q querier, municipality string, id int64) ([]monitoring.Meeting, error) {
	where, args := "mt.municipality = ?", []any{municipality}
	if id != 0 {
		where, args = where+" AND mt.id = ?", append(args, id)
	}
	var rows []meetingRow
	if err := q.sel(ctx, &rows, `SELECT mt.id, mt.municipality, mt.year, mt.seq, mt.held_at, mt.place, mt.agenda, mt.recorded_by,
		mt.signed_by, mt.signed_acting, mt.signed_in_chat, mt.signed_at, COALESCE(s.name, '') AS signer_name
		FROM meetings mt LEFT JOIN members s ON s.id = mt.signed_by WHERE `+where+` ORDER BY mt.held_at, mt.id`, args...); err != nil {
		return nil, fmt.Errorf("list meetings: %w", err)
	}
	out := make([]monitoring.Meeting, len(rows))
	for i, r := range rows {
		mt := monitoring.Meeting{ID: r.ID, Municipality: r.Municipality, Number: monitoring.MinutesNumber{Year: r.Year, Seq: r.Seq},
			HeldAt: r.HeldAt, Place: r.Place, RecordedBy: r.RecordedBy.Int64}
		if r.Agenda != "" {
			mt.Agenda = strings.Split(r.Agenda, "\n")
		}
		if r.SignedAt.Valid {
			mt.Signed = &monitoring.Signature{MemberID: r.SignedBy.Int64, Name: r.SignerName, Acting: r.SignedActing, InChat: r.SignedInChat, At: r.SignedAt.Time}
		}
		var att []struct {
			MemberID int64  `db:"member_id"`
			Name     string `db:"name"`
			Role     string `db:"role"`
			Presence string `db:"presence"`
			Reason   string `db:"reason"`
		}
		if err := q.sel(ctx, &att, `SELECT a.member_id, m.name, m.role, a.presence, a.reason FROM meeting_attendance a JOIN members m ON m.id = a.member_id
			WHERE a.meeting_id = ? ORDER BY CASE m.role WHEN 'chair' THEN 0 WHEN 'deputy' THEN 1 WHEN 'secretary' THEN 2 ELSE 3 END, m.id`, r.ID); err != nil {
			return nil, fmt.Errorf("read attendance: %w", err)
		}
		for _, a := range att {
			mt.Attendance = append(mt.Attendance, monitoring.Attendee{MemberID: a.MemberID, Name: a.Name, Role: monitoring.Role(a.Role),
				Presence: monitoring.Presence(a.Presence), Reason: a.Reason})
		}
		var decs []struct {
			Text      string        `db:"text"`
			For       int           `db:"votes_for"`
			Against   int           `db:"votes_against"`
			Abstained int           `db:"abstained"`
			Elects    string        `db:"elects"`
			Elected   sql.NullInt64 `db:"elected"`
			Name      string        `db:"elected_name"`
		}
		if err := q.sel(ctx, &decs, `SELECT d.text, d.votes_for, d.votes_against, d.abstained, d.elects, d.elected, COALESCE(m.name, '') AS elected_name
			FROM meeting_decisions d LEFT JOIN members m ON m.id = d.elected WHERE d.meeting_id = ? ORDER BY d.seq`, r.ID); err != nil {
			return nil, fmt.Errorf("read decisions: %w", err)
		}
		for _, d := range decs {
			mt.Decisions = append(mt.Decisions, monitoring.MeetingDecision{Text: d.Text, For: d.For, Against: d.Against, Abstained: d.Abstained,
				Elects: monitoring.Role(d.Elects), Elected: d.Elected.Int64, ElectedName: d.Name})
		}
		out[i] = mt
	}
	return out, nil
}

// RecordChairAbsence records an absence of the chair (3.6).
func (tx *Tx) RecordChairAbsence(ctx context.Context, municipality string, a *monitoring.ChairAbsence) error {
	if err := a.CheckAbsence(); err != nil {
		return err
	}
	var err error
	a.ID, err = tx.insertID(ctx, `INSERT INTO chair_absences (municipality, starts_on, ends_on, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?)`,
		municipality, monitoring.Day(a.From), monitoring.Day(a.To), nullID(a.RecordedBy), tx.now)
	if err != nil {
		return fmt.Errorf("record the chair's absence: %w", err)
	}
	a.RecordedAt = tx.now
	return nil
}

// ChairAbsences lists the chair's recorded absences, oldest first.
func (tx *Tx) ChairAbsences(ctx context.Context, municipality string) ([]monitoring.ChairAbsence, error) {
	return chairAbsences(ctx, tx, municipality)
}

// ChairAbsences, outside a transaction.
func (db *DB) ChairAbsences(ctx context.Context, municipality string) ([]monitoring.ChairAbsence, error) {
	return chairAbsences(ctx, db, municipality)
}

func chairAbsences(ctx context.Context, q querier, municipality string) ([]monitoring.ChairAbsence, error) {
	var rows []struct {
		ID         int64         `db:"id"`
		From       string        `db:"starts_on"`
		To         string        `db:"ends_on"`
		RecordedBy sql.NullInt64 `db:"recorded_by"`
		RecordedAt time.Time     `db:"recorded_at"`
	}
	if err := q.sel(ctx, &rows, `SELECT id, starts_on, ends_on, recorded_by, recorded_at FROM chair_absences WHERE municipality = ? ORDER BY starts_on, id`, municipality); err != nil {
		return nil, fmt.Errorf("read the chair's absences: %w", err)
	}
	out := make([]monitoring.ChairAbsence, len(rows))
	for i, r := range rows {
		from, _ := monitoring.ParseDay(r.From)
		to, _ := monitoring.ParseDay(r.To)
		out[i] = monitoring.ChairAbsence{ID: r.ID, From: from, To: to, RecordedBy: r.RecordedBy.Int64, RecordedAt: r.RecordedAt}
	}
	return out, nil
}
