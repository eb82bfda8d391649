package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"bmjbt/monitoring"
)

// Monitoring acts (Regulation 7.1–7.6). Every method that changes an act
// holds the municipality first, so that answers to one act, and acts
// becoming final, take their turn: the last two signatures arriving at
// once still make the act final, and two acts becoming final at once get
// consecutive numbers. Every change writes an audit row.

type actRow struct {
	ID              int64          `db:"id"`
	Municipality    string         `db:"municipality"`
	State           string         `db:"state"`
	Year            sql.NullInt64  `db:"year"`
	Seq             sql.NullInt64  `db:"seq"`
	Lang            string         `db:"lang"`
	Object          string         `db:"object"`
	PlanItem        string         `db:"plan_item"`
	OutsidePlan     string         `db:"outside_plan"`
	StartsOn        string         `db:"starts_on"`
	EndsOn          string         `db:"ends_on"`
	Methods         string         `db:"methods"`
	NoticeID        sql.NullInt64  `db:"notice_id"`
	NoticeWaiver    string         `db:"notice_waiver"`
	Corrects        sql.NullInt64  `db:"corrects"`
	TextHash        string         `db:"text_hash"`
	Round           int            `db:"round"`
	Presiding       sql.NullInt64  `db:"presiding"`
	PresidingActing bool           `db:"presiding_acting"`
	PresidingName   sql.NullString `db:"presiding_name"`
	SignBy          sql.NullTime   `db:"sign_by"`
	CreatedBy       sql.NullInt64  `db:"created_by"`
	CreatedAt       time.Time      `db:"created_at"`
	SentAt          sql.NullTime   `db:"sent_at"`
	FinalAt         sql.NullTime   `db:"final_at"`
	WithdrawnAt     sql.NullTime   `db:"withdrawn_at"`
}

const actColumns = `a.id, a.municipality, a.state, a.year, a.seq, a.lang, a.object, a.plan_item, a.outside_plan, a.starts_on, a.ends_on,
	a.methods, a.notice_id, a.notice_waiver, a.corrects, a.text_hash, a.round, a.presiding, a.presiding_acting,
	(SELECT p.name FROM members p WHERE p.id = a.presiding) AS presiding_name, a.sign_by, a.created_by, a.created_at,
	a.sent_at, a.final_at, a.withdrawn_at`

func (r actRow) act() monitoring.Act {
	from, _ := monitoring.ParseDay(r.StartsOn)
	to, _ := monitoring.ParseDay(r.EndsOn)
	a := monitoring.Act{ID: r.ID, Municipality: r.Municipality, State: monitoring.ActState(r.State), Lang: monitoring.Lang(r.Lang),
		Object: r.Object, PlanItem: r.PlanItem, OutsidePlan: r.OutsidePlan, From: from, To: to,
		NoticeID: r.NoticeID.Int64, NoticeWaiver: r.NoticeWaiver, Corrects: r.Corrects.Int64, Hash: r.TextHash, Round: r.Round,
		SignBy: r.SignBy.Time, CreatedBy: r.CreatedBy.Int64, CreatedAt: r.CreatedAt, SentAt: r.SentAt.Time, FinalAt: r.FinalAt.Time,
		WithdrawnAt: r.WithdrawnAt.Time}
	if r.Seq.Valid {
		a.Number = monitoring.ActNumber{Year: int(r.Year.Int64), Seq: int(r.Seq.Int64)}
	}
	for _, m := range strings.Split(r.Methods, "\n") {
		if m != "" {
			a.Methods = append(a.Methods, monitoring.Method(m))
		}
	}
	if r.Presiding.Valid {
		a.Presiding = &monitoring.Signature{MemberID: r.Presiding.Int64, Name: r.PresidingName.String, Acting: r.PresidingActing, At: r.SentAt.Time}
	}
	return a
}

// Act is one act with everything it links to, or ENOTFOUND.
func (db *DB) Act(ctx context.Context, municipality string, id int64) (monitoring.Act, error) {
	return loadAct(ctx, db, municipality, id)
}

// Act, inside a transaction.
func (tx *Tx) Act(ctx context.Context, municipality string, id int64) (monitoring.Act, error) {
	return loadAct(ctx, tx, municipality, id)
}

// ActByNumber is a final act by its number (3/2026), or ENOTFOUND.
func (db *DB) ActByNumber(ctx context.Context, municipality string, n monitoring.ActNumber) (monitoring.Act, error) {
	var id int64
	err := db.get(ctx, &id, `SELECT id FROM acts WHERE municipality = ? AND year = ? AND seq = ?`, municipality, n.Year, n.Seq)
	if errors.Is(err, sql.ErrNoRows) {
		return monitoring.Act{}, monitoring.Errorf(monitoring.ENOTFOUND, "no final act № %s (see `bmjbt act list`)", n)
	}
	if err != nil {
		return monitoring.Act{}, fmt.Errorf("find act № %s: %w", n, err)
	}
	return loadAct(ctx, db, municipality, id)
}

// Acts lists the acts, newest first, each in full.
func (db *DB) Acts(ctx context.Context, municipality string) ([]monitoring.Act, error) {
	return acts(ctx, db, municipality)
}

// Acts, inside a transaction.
func (tx *Tx) Acts(ctx context.Context, municipality string) ([]monitoring.Act, error) {
	return acts(ctx, tx, municipality)
}

func acts(ctx context.Context, q querier, municipality string) ([]monitoring.Act, error) {
	var ids []int64
	if err := q.sel(ctx, &ids, `SELECT id FROM acts WHERE municipality = ? ORDER BY id DESC`, municipality); err != nil {
		return nil, fmt.Errorf("list acts: %w", err)
	}
	out := make([]monitoring.Act, 0, len(ids))
	for _, id := range ids {
		a, err := loadAct(ctx, q, municipality, id)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func loadAct(ctx context.Context, q querier, municipality string, id int64) (monitoring.Act, error) {
	var r actRow
	err := q.get(ctx, &r, `SELECT `+actColumns+` FROM acts a WHERE a.municipality = ? AND a.id = ?`, municipality, id)
	if errors.Is(err, sql.ErrNoRows) {
		return monitoring.Act{}, monitoring.Errorf(monitoring.ENOTFOUND, "no act %d (see `bmjbt act list`)", id)
	}
	if err != nil {
		return monitoring.Act{}, fmt.Errorf("read act %d: %w", id, err)
	}
	a := r.act()
	var experts []struct {
		Name string `db:"name"`
		Role string `db:"role"`
	}
	if err := q.sel(ctx, &experts, `SELECT name, role FROM act_experts WHERE act_id = ? ORDER BY seq`, id); err != nil {
		return a, fmt.Errorf("read the act's experts: %w", err)
	}
	for _, e := range experts {
		a.Experts = append(a.Experts, monitoring.Expert{Name: e.Name, Role: e.Role})
	}
	var evidence []struct {
		Kind       string `db:"kind"`
		TargetID   int64  `db:"target_id"`
		Reverified bool   `db:"reverified"`
		Year       int    `db:"year"`
		Seq        int    `db:"seq"`
		Title      string `db:"title"`
	}
	if err := q.sel(ctx, &evidence, `SELECT v.kind, v.target_id, v.reverified, COALESCE(e.year, r.year, 0) AS year, COALESCE(e.seq, r.seq, 0) AS seq,
			COALESCE(s.title, '') AS title
		FROM act_evidence v
		LEFT JOIN entries e ON v.kind = 'entry' AND e.id = v.target_id
		LEFT JOIN requests r ON v.kind = 'request' AND r.id = v.target_id
		LEFT JOIN surveys s ON v.kind = 'survey' AND s.id = v.target_id
		WHERE v.act_id = ? ORDER BY v.seq`, id); err != nil {
		return a, fmt.Errorf("read the act's evidence: %w", err)
	}
	for _, e := range evidence {
		ev := monitoring.Evidence{Kind: monitoring.EvidenceKind(e.Kind), TargetID: e.TargetID, Reverified: e.Reverified}
		switch ev.Kind {
		case monitoring.EvidenceEntry:
			ev.Label = monitoring.Number{Year: e.Year, Seq: e.Seq}.String()
		case monitoring.EvidenceRequest:
			ev.Label = monitoring.RequestNumber(monitoring.Number{Year: e.Year, Seq: e.Seq})
		default:
			ev.Label = e.Title
		}
		a.Evidence = append(a.Evidence, ev)
	}
	var sources []struct {
		Title     string        `db:"title"`
		From      string        `db:"given_by"`
		Received  string        `db:"received_on"`
		RequestID sql.NullInt64 `db:"request_id"`
		Year      int           `db:"year"`
		Seq       int           `db:"seq"`
	}
	if err := q.sel(ctx, &sources, `SELECT o.title, o.given_by, o.received_on, o.request_id, COALESCE(r.year, 0) AS year, COALESCE(r.seq, 0) AS seq
		FROM act_sources o LEFT JOIN requests r ON r.id = o.request_id WHERE o.act_id = ? ORDER BY o.seq`, id); err != nil {
		return a, fmt.Errorf("read the act's sources: %w", err)
	}
	for _, s := range sources {
		day, _ := monitoring.ParseDay(s.Received)
		src := monitoring.Source{Title: s.Title, From: s.From, Received: day, RequestID: s.RequestID.Int64}
		if s.RequestID.Valid {
			src.Request = monitoring.RequestNumber(monitoring.Number{Year: s.Year, Seq: s.Seq})
		}
		a.Sources = append(a.Sources, src)
	}
	if err := q.sel(ctx, &a.Findings, `SELECT body FROM act_findings WHERE act_id = ? ORDER BY seq`, id); err != nil {
		return a, fmt.Errorf("read the act's findings: %w", err)
	}
	var recs []struct {
		ID          int64  `db:"id"`
		Addressee   string `db:"addressee"`
		Body        string `db:"body"`
		ConsBy      string `db:"considered_by"`
		ConsOn      string `db:"considered_on"`
		ConsRef     string `db:"considered_ref"`
		DeclReason  string `db:"declined_reason"`
		DeclOn      string `db:"declined_on"`
		CarriedOn   string `db:"carried_out_on"`
		CarriedNote string `db:"carried_out_note"`
	}
	if err := q.sel(ctx, &recs, `SELECT id, addressee, body, considered_by, considered_on, considered_ref, declined_reason, declined_on,
		carried_out_on, carried_out_note FROM act_recommendations WHERE act_id = ? ORDER BY seq`, id); err != nil {
		return a, fmt.Errorf("read the act's recommendations: %w", err)
	}
	for _, r := range recs {
		rec := monitoring.Recommendation{ID: r.ID, Addressee: r.Addressee, Text: r.Body}
		if d, ok := monitoring.ParseDay(r.ConsOn); ok {
			rec.Considered = &monitoring.Consideration{By: r.ConsBy, On: d, Ref: r.ConsRef}
		}
		if d, ok := monitoring.ParseDay(r.DeclOn); ok {
			rec.Declined = &monitoring.Declination{Reason: r.DeclReason, On: d}
		}
		if d, ok := monitoring.ParseDay(r.CarriedOn); ok {
			rec.CarriedOut = &monitoring.Fulfilment{On: d, Note: r.CarriedNote}
		}
		a.Recommendations = append(a.Recommendations, rec)
	}
	var signers []struct {
		MemberID    int64        `db:"member_id"`
		Name        string       `db:"name"`
		Role        string       `db:"role"`
		Affiliation string       `db:"affiliation"`
		Status      string       `db:"status"`
		DroppedAt   sql.NullTime `db:"dropped_at"`
	}
	if err := q.sel(ctx, &signers, `SELECT s.member_id, m.name, m.role, m.affiliation, s.status, s.dropped_at
		FROM act_signers s JOIN members m ON m.id = s.member_id WHERE s.act_id = ?
		ORDER BY s.status = 'recused', CASE m.role WHEN 'chair' THEN 0 WHEN 'deputy' THEN 1 WHEN 'secretary' THEN 2 ELSE 3 END, m.id`, id); err != nil {
		return a, fmt.Errorf("read the act's signers: %w", err)
	}
	var answers []struct {
		MemberID int64     `db:"member_id"`
		Kind     string    `db:"kind"`
		Note     string    `db:"note"`
		Channel  string    `db:"channel"`
		Lang     string    `db:"lang"`
		Hash     string    `db:"text_hash"`
		At       time.Time `db:"signed_at"`
	}
	if err := q.sel(ctx, &answers, `SELECT member_id, kind, note, channel, lang, text_hash, signed_at FROM act_signatures
		WHERE act_id = ? AND round = ? AND voided_at IS NULL`, id, a.Round); err != nil {
		return a, fmt.Errorf("read the act's signatures: %w", err)
	}
	for _, s := range signers {
		as := monitoring.ActSigner{MemberID: s.MemberID, Name: s.Name, Role: monitoring.Role(s.Role), Affiliation: s.Affiliation,
			Status: monitoring.SignerStatus(s.Status)}
		if s.DroppedAt.Valid {
			t := s.DroppedAt.Time
			as.Dropped = &t
		}
		for _, ans := range answers {
			if ans.MemberID == s.MemberID {
				as.Answer = &monitoring.ActAnswer{Kind: monitoring.AnswerKind(ans.Kind), Text: ans.Note, At: ans.At, Channel: ans.Channel,
					Lang: monitoring.Lang(ans.Lang), Hash: ans.Hash, Round: a.Round}
			}
		}
		a.Signers = append(a.Signers, as)
	}
	if err := q.get(ctx, &a.Voided, `SELECT COUNT(*) FROM act_signatures WHERE act_id = ? AND voided_at IS NOT NULL`, id); err != nil {
		return a, fmt.Errorf("count voided signatures: %w", err)
	}
	var deliveries []struct {
		ID        int64  `db:"id"`
		Addressee string `db:"addressee"`
		On        string `db:"delivered_on"`
		How       string `db:"how"`
		By        string `db:"delivered_by"`
	}
	if err := q.sel(ctx, &deliveries, `SELECT id, addressee, delivered_on, how, delivered_by FROM act_deliveries WHERE act_id = ? ORDER BY delivered_on, id`, id); err != nil {
		return a, fmt.Errorf("read the act's deliveries: %w", err)
	}
	for _, d := range deliveries {
		on, _ := monitoring.ParseDay(d.On)
		a.Deliveries = append(a.Deliveries, monitoring.ActDelivery{ID: d.ID, Addressee: d.Addressee, On: on, How: d.How, By: d.By})
	}
	var comments []struct {
		ID     int64  `db:"id"`
		Kind   string `db:"kind"`
		Author string `db:"author"`
		Body   string `db:"body"`
		On     string `db:"received_on"`
	}
	if err := q.sel(ctx, &comments, `SELECT id, kind, author, body, received_on FROM act_comments WHERE act_id = ? ORDER BY received_on, id`, id); err != nil {
		return a, fmt.Errorf("read the act's comments: %w", err)
	}
	for _, c := range comments {
		on, _ := monitoring.ParseDay(c.On)
		a.Comments = append(a.Comments, monitoring.ActComment{ID: c.ID, Kind: monitoring.CommentKind(c.Kind), From: c.Author, Text: c.Body, On: on})
	}
	return a, nil
}

// EvidenceTarget finds what a piece of evidence links to: a journal entry
// by its number (2026-0042), a survey by its id, an information request by
// its id or number (С-2026-0001).
func (tx *Tx) EvidenceTarget(ctx context.Context, municipality string, kind monitoring.EvidenceKind, ref string) (monitoring.Evidence, error) {
	ref = strings.TrimSpace(ref)
	ev := monitoring.Evidence{Kind: kind, Label: ref}
	var err error
	switch kind {
	case monitoring.EvidenceEntry:
		n, perr := monitoring.ParseNumber(ref)
		if perr != nil {
			return ev, perr
		}
		err = tx.get(ctx, &ev.TargetID, `SELECT id FROM entries WHERE municipality = ? AND year = ? AND seq = ?`, municipality, n.Year, n.Seq)
		ev.Label = n.String()
	case monitoring.EvidenceSurvey:
		err = tx.get(ctx, &ev.TargetID, `SELECT id FROM surveys WHERE municipality = ? AND id = ?`, municipality, atoi(ref))
	case monitoring.EvidenceRequest:
		if n, perr := monitoring.ParseNumber(strings.TrimPrefix(strings.TrimPrefix(ref, "С-"), "C-")); perr == nil && strings.Contains(ref, "-") {
			err = tx.get(ctx, &ev.TargetID, `SELECT id FROM requests WHERE municipality = ? AND year = ? AND seq = ?`, municipality, n.Year, n.Seq)
		} else {
			err = tx.get(ctx, &ev.TargetID, `SELECT id FROM requests WHERE municipality = ? AND id = ?`, municipality, atoi(ref))
		}
	default:
		return ev, monitoring.Errorf(monitoring.EINVALID, "evidence is a journal entry, a survey or an information request")
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ev, monitoring.Errorf(monitoring.ENOTFOUND, "no %s %s", kind, ref)
	}
	if err != nil {
		return ev, fmt.Errorf("find %s %s: %w", kind, ref, err)
	}
	return ev, nil
}

func atoi(s string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return n
}

// notice reads the notice an act follows, nil for none.
func (tx *Tx) actNotice(ctx context.Context, municipality string, id int64) (*monitoring.Notice, error) {
	if id == 0 {
		return nil, nil
	}
	list, err := tx.Notices(ctx, municipality, "")
	if err != nil {
		return nil, err
	}
	for _, n := range list {
		if n.ID == id {
			return &n, nil
		}
	}
	return nil, monitoring.Errorf(monitoring.ENOTFOUND, "no notice %d (see `bmjbt notice list`)", id)
}

// CreateAct records a draft act, written in a.Lang.
func (tx *Tx) CreateAct(ctx context.Context, a *monitoring.Act, actor string) error {
	notice, err := tx.actNotice(ctx, a.Municipality, a.NoticeID)
	if err != nil {
		return err
	}
	if err := a.CheckDraft(notice); err != nil {
		return err
	}
	a.State, a.CreatedAt, a.Hash = monitoring.ActDraft, tx.now, a.TextHash()
	a.ID, err = tx.insertID(ctx, `INSERT INTO acts (municipality, state, lang, object, plan_item, outside_plan, starts_on, ends_on, methods,
		notice_id, notice_waiver, corrects, text_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.Municipality, string(a.State), string(a.Lang), a.Object, a.PlanItem, a.OutsidePlan, monitoring.Day(a.From), monitoring.Day(a.To),
		methodLines(a.Methods), nullID(a.NoticeID), a.NoticeWaiver, nullID(a.Corrects), a.Hash, nullID(a.CreatedBy), tx.now)
	if err != nil {
		return fmt.Errorf("record the act: %w", err)
	}
	if err := tx.writeActText(ctx, *a); err != nil {
		return err
	}
	return tx.Audit(ctx, a.Municipality, actor, "act.new", 0, "ok", fmt.Sprintf("act:%d %s", a.ID, a.Object))
}

func methodLines(ms []monitoring.Method) string {
	s := make([]string, len(ms))
	for i, m := range ms {
		s[i] = string(m)
	}
	return strings.Join(s, "\n")
}

// linked refuses a link to an entry, survey or request that is not the
// municipality's.
func (tx *Tx) linked(ctx context.Context, municipality string, kind monitoring.EvidenceKind, id int64) error {
	table := map[monitoring.EvidenceKind]string{monitoring.EvidenceEntry: "entries", monitoring.EvidenceSurvey: "surveys", monitoring.EvidenceRequest: "requests"}[kind]
	if table == "" {
		return monitoring.Errorf(monitoring.EINVALID, "evidence is a journal entry, a survey or an information request")
	}
	var n int
	if err := tx.get(ctx, &n, `SELECT COUNT(*) FROM `+table+` WHERE municipality = ? AND id = ?`, municipality, id); err != nil {
		return fmt.Errorf("find %s %d: %w", kind, id, err)
	}
	if n == 0 {
		return monitoring.Errorf(monitoring.ENOTFOUND, "no %s %d", kind, id)
	}
	return nil
}

// writeActText replaces the act's numbered parts: experts, evidence,
// sources, findings and recommendations.
func (tx *Tx) writeActText(ctx context.Context, a monitoring.Act) error {
	for _, t := range []string{"act_experts", "act_evidence", "act_sources", "act_findings", "act_recommendations"} {
		if _, err := tx.exec(ctx, `DELETE FROM `+t+` WHERE act_id = ?`, a.ID); err != nil {
			return fmt.Errorf("rewrite the act's %s: %w", t, err)
		}
	}
	for i, e := range a.Experts {
		if _, err := tx.exec(ctx, `INSERT INTO act_experts (act_id, seq, name, role) VALUES (?, ?, ?, ?)`, a.ID, i+1, e.Name, e.Role); err != nil {
			return fmt.Errorf("record an expert: %w", err)
		}
	}
	for i, e := range a.Evidence {
		if err := tx.linked(ctx, a.Municipality, e.Kind, e.TargetID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO act_evidence (act_id, seq, kind, target_id, reverified) VALUES (?, ?, ?, ?, ?)`,
			a.ID, i+1, string(e.Kind), e.TargetID, e.Reverified); err != nil {
			return fmt.Errorf("link evidence: %w", err)
		}
	}
	for i, s := range a.Sources {
		if s.RequestID != 0 {
			if err := tx.linked(ctx, a.Municipality, monitoring.EvidenceRequest, s.RequestID); err != nil {
				return err
			}
		}
		if _, err := tx.exec(ctx, `INSERT INTO act_sources (act_id, seq, title, given_by, received_on, request_id) VALUES (?, ?, ?, ?, ?, ?)`,
			a.ID, i+1, s.Title, s.From, monitoring.Day(s.Received), nullID(s.RequestID)); err != nil {
			return fmt.Errorf("cite a source: %w", err)
		}
	}
	for i, f := range a.Findings {
		if _, err := tx.exec(ctx, `INSERT INTO act_findings (act_id, seq, body) VALUES (?, ?, ?)`, a.ID, i+1, f); err != nil {
			return fmt.Errorf("record a finding: %w", err)
		}
	}
	for i, r := range a.Recommendations {
		if _, err := tx.exec(ctx, `INSERT INTO act_recommendations (act_id, seq, addressee, body) VALUES (?, ?, ?, ?)`, a.ID, i+1, r.Addressee, r.Text); err != nil {
			return fmt.Errorf("record a recommendation: %w", err)
		}
	}
	return nil
}

// EditAct changes a draft or an act sent for signature through change,
// which uses the act's own methods (AddFinding, Move, Remove…). On an act
// sent for signature a change of its text voids every signature and starts
// a new round, with the signers fixed at send.
func (tx *Tx) EditAct(ctx context.Context, municipality string, id int64, actor string, change func(*monitoring.Act) error) (monitoring.Act, error) {
	if err := tx.Hold(ctx, municipality); err != nil {
		return monitoring.Act{}, err
	}
	a, err := tx.Act(ctx, municipality, id)
	if err != nil {
		return a, err
	}
	if err := a.Editable(); err != nil {
		return a, err
	}
	round, voided := a.Round, a.Voided
	if err := change(&a); err != nil {
		return a, err
	}
	notice, err := tx.actNotice(ctx, municipality, a.NoticeID)
	if err != nil {
		return a, err
	}
	if err := a.CheckDraft(notice); err != nil {
		return a, err
	}
	a.Touched()
	if _, err := tx.exec(ctx, `UPDATE acts SET lang = ?, object = ?, plan_item = ?, outside_plan = ?, starts_on = ?, ends_on = ?, methods = ?,
		notice_id = ?, notice_waiver = ?, corrects = ?, text_hash = ?, round = ? WHERE id = ?`,
		string(a.Lang), a.Object, a.PlanItem, a.OutsidePlan, monitoring.Day(a.From), monitoring.Day(a.To), methodLines(a.Methods),
		nullID(a.NoticeID), a.NoticeWaiver, nullID(a.Corrects), a.Hash, a.Round, a.ID); err != nil {
		return a, fmt.Errorf("change act %d: %w", id, err)
	}
	if err := tx.writeActText(ctx, a); err != nil {
		return a, err
	}
	detail := fmt.Sprintf("act:%d", id)
	if a.Round != round {
		if _, err := tx.exec(ctx, `UPDATE act_signatures SET voided_at = ? WHERE act_id = ? AND voided_at IS NULL`, tx.now, id); err != nil {
			return a, fmt.Errorf("void the signatures of act %d: %w", id, err)
		}
		detail += fmt.Sprintf(" round:%d voided:%d", a.Round, a.Voided-voided)
	}
	if err := tx.Audit(ctx, municipality, actor, "act.edit", 0, "ok", detail); err != nil {
		return a, err
	}
	return tx.Act(ctx, municipality, id)
}

// SendAct sends a draft for signature (monitoring.Act.Send): the signers
// are computed now and fixed; the signing period is days long (the
// group's practice; 0 for the default).
func (tx *Tx) SendAct(ctx context.Context, muni *monitoring.Municipality, id int64, sender monitoring.Member, days int, actor string) (monitoring.Act, error) {
	if err := tx.Hold(ctx, muni.Code); err != nil {
		return monitoring.Act{}, err
	}
	a, err := tx.Act(ctx, muni.Code, id)
	if err != nil {
		return a, err
	}
	members, err := tx.Members(ctx, muni.Code, false)
	if err != nil {
		return a, err
	}
	absences, err := tx.ChairAbsences(ctx, muni.Code)
	if err != nil {
		return a, err
	}
	notice, err := tx.actNotice(ctx, muni.Code, a.NoticeID)
	if err != nil {
		return a, err
	}
	if err := a.Send(muni, sender, members, absences, notice, tx.now, days); err != nil {
		return a, err
	}
	if _, err := tx.exec(ctx, `UPDATE acts SET state = ?, presiding = ?, presiding_acting = ?, sign_by = ?, sent_at = ?, round = ?, text_hash = ? WHERE id = ?`,
		string(a.State), a.Presiding.MemberID, a.Presiding.Acting, a.SignBy, tx.now, a.Round, a.Hash, id); err != nil {
		return a, fmt.Errorf("send act %d: %w", id, err)
	}
	for _, s := range a.Signers {
		if _, err := tx.exec(ctx, `INSERT INTO act_signers (act_id, member_id, status) VALUES (?, ?, ?)`, id, s.MemberID, string(s.Status)); err != nil {
			return a, fmt.Errorf("list the act's signers: %w", err)
		}
	}
	if err := tx.Audit(ctx, muni.Code, actor, "act.send", 0, "ok", fmt.Sprintf("act:%d signers:%d", id, len(a.Waiting()))); err != nil {
		return a, err
	}
	return tx.Act(ctx, muni.Code, id)
}

// SignAct records a signer's answer to the current round. Signers removed
// from the group meanwhile are dropped first (3.4). When every signer has
// signed and the membership is within 3.4, the act becomes final with the
// next number of the year; otherwise it stays sent for signature, and
// Act.CheckFinal says why.
func (tx *Tx) SignAct(ctx context.Context, municipality string, id, memberID int64, ans monitoring.ActAnswer, actor string) (monitoring.Act, error) {
	if err := tx.Hold(ctx, municipality); err != nil {
		return monitoring.Act{}, err
	}
	a, err := tx.Act(ctx, municipality, id)
	if err != nil {
		return a, err
	}
	members, err := tx.Members(ctx, municipality, false)
	if err != nil {
		return a, err
	}
	if err := tx.dropSigners(ctx, &a, members); err != nil {
		return a, err
	}
	ans.At = tx.now
	if err := a.Answer(memberID, ans); err != nil {
		return a, err
	}
	var got *monitoring.ActAnswer
	for _, s := range a.Signers {
		if s.MemberID == memberID {
			got = s.Answer
		}
	}
	if _, err := tx.exec(ctx, `INSERT INTO act_signatures (act_id, member_id, round, kind, note, channel, lang, text_hash, signed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, memberID, a.Round, string(got.Kind), got.Text, got.Channel, string(got.Lang), got.Hash, tx.now); err != nil {
		return a, fmt.Errorf("record the answer to act %d: %w", id, err)
	}
	if got.Counts() { // a chair listed as absent who came back and signed
		if _, err := tx.exec(ctx, `UPDATE act_signers SET status = ? WHERE act_id = ? AND member_id = ? AND status = ?`,
			string(monitoring.SignerAsked), id, memberID, string(monitoring.SignerAbsent)); err != nil {
			return a, fmt.Errorf("record the chair's return: %w", err)
		}
	}
	if err := tx.Audit(ctx, municipality, actor, "act.sign", 0, "ok", fmt.Sprintf("act:%d member:%d %s round:%d", id, memberID, got.Kind, a.Round)); err != nil {
		return a, err
	}
	if a.CheckFinal(members, tx.now) == nil {
		if err := tx.finalize(ctx, &a, actor); err != nil {
			return a, err
		}
	}
	return tx.Act(ctx, municipality, id)
}

// FinalizeAct makes an act final when every signer has signed: what
// SignAct does by itself, for an act whose last signature came while the
// membership was outside 3.4, or whose last missing signer was removed.
func (tx *Tx) FinalizeAct(ctx context.Context, municipality string, id int64, actor string) (monitoring.Act, error) {
	if err := tx.Hold(ctx, municipality); err != nil {
		return monitoring.Act{}, err
	}
	a, err := tx.Act(ctx, municipality, id)
	if err != nil {
		return a, err
	}
	members, err := tx.Members(ctx, municipality, false)
	if err != nil {
		return a, err
	}
	if err := tx.dropSigners(ctx, &a, members); err != nil {
		return a, err
	}
	if err := a.CheckFinal(members, tx.now); err != nil {
		return a, err
	}
	if err := tx.finalize(ctx, &a, actor); err != nil {
		return a, err
	}
	return tx.Act(ctx, municipality, id)
}

// dropSigners records signers no longer in the group as dropped.
func (tx *Tx) dropSigners(ctx context.Context, a *monitoring.Act, members []monitoring.Member) error {
	before := map[int64]bool{}
	for _, s := range a.Signers {
		before[s.MemberID] = s.Dropped != nil
	}
	a.Drop(members, tx.now)
	for _, s := range a.Signers {
		if s.Dropped == nil || before[s.MemberID] {
			continue
		}
		if _, err := tx.exec(ctx, `UPDATE act_signers SET dropped_at = ? WHERE act_id = ? AND member_id = ?`, tx.now, a.ID, s.MemberID); err != nil {
			return fmt.Errorf("drop a removed signer: %w", err)
		}
		if err := tx.Audit(ctx, a.Municipality, "system", "act.drop", 0, "ok", fmt.Sprintf("act:%d member:%d", a.ID, s.MemberID)); err != nil {
			return err
		}
	}
	return nil
}

// finalize gives the act the next number of the year in Bishkek. The
// caller holds the municipality, so numbers are taken in turn and have no
// gaps: only final acts are numbered.
func (tx *Tx) finalize(ctx context.Context, a *monitoring.Act, actor string) error {
	year := tx.now.In(monitoring.Bishkek).Year()
	var last sql.NullInt64
	if err := tx.get(ctx, &last, `SELECT MAX(seq) FROM acts WHERE municipality = ? AND year = ?`, a.Municipality, year); err != nil {
		return fmt.Errorf("number the act: %w", err)
	}
	a.Finalize(monitoring.ActNumber{Year: year, Seq: int(last.Int64) + 1}, tx.now)
	if _, err := tx.exec(ctx, `UPDATE acts SET state = ?, year = ?, seq = ?, final_at = ? WHERE id = ?`,
		string(a.State), year, a.Number.Seq, tx.now, a.ID); err != nil {
		return fmt.Errorf("make act %d final: %w", a.ID, err)
	}
	return tx.Audit(ctx, a.Municipality, actor, "act.final", 0, "ok", fmt.Sprintf("act:%d number:%s", a.ID, a.Number))
}

// WithdrawAct withdraws a draft or an act sent for signature: it is never
// numbered, and the next final act takes the next number.
func (tx *Tx) WithdrawAct(ctx context.Context, municipality string, id int64, actor string) (monitoring.Act, error) {
	if err := tx.Hold(ctx, municipality); err != nil {
		return monitoring.Act{}, err
	}
	a, err := tx.Act(ctx, municipality, id)
	if err != nil {
		return a, err
	}
	if err := a.Withdraw(tx.now); err != nil {
		return a, err
	}
	if _, err := tx.exec(ctx, `UPDATE acts SET state = ?, withdrawn_at = ? WHERE id = ?`, string(a.State), tx.now, id); err != nil {
		return a, fmt.Errorf("withdraw act %d: %w", id, err)
	}
	return a, tx.Audit(ctx, municipality, actor, "act.withdraw", 0, "ok", fmt.Sprintf("act:%d", id))
}

// DeliverAct records the final act delivered to one addressee (7.1).
func (tx *Tx) DeliverAct(ctx context.Context, municipality string, id int64, d monitoring.ActDelivery, actor string) (monitoring.Act, error) {
	if err := tx.Hold(ctx, municipality); err != nil {
		return monitoring.Act{}, err
	}
	a, err := tx.Act(ctx, municipality, id)
	if err != nil {
		return a, err
	}
	if err := a.Deliver(d); err != nil {
		return a, err
	}
	d = a.Deliveries[len(a.Deliveries)-1]
	if _, err := tx.insertID(ctx, `INSERT INTO act_deliveries (act_id, addressee, delivered_on, how, delivered_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?)`,
		id, d.Addressee, monitoring.Day(d.On), d.How, d.By, tx.now); err != nil {
		return a, fmt.Errorf("record the delivery: %w", err)
	}
	if err := tx.Audit(ctx, municipality, actor, "act.deliver", 0, "ok", fmt.Sprintf("act:%d to:%s", id, d.Addressee)); err != nil {
		return a, err
	}
	return tx.Act(ctx, municipality, id)
}

// RecordRecommendation records what the addressee did with recommendation
// n (1-based) of a final act, through change: Consider, Decline or
// CarryOut (7.6).
func (tx *Tx) RecordRecommendation(ctx context.Context, municipality string, id int64, n int, actor string, change func(*monitoring.Recommendation) error) (monitoring.Act, error) {
	if err := tx.Hold(ctx, municipality); err != nil {
		return monitoring.Act{}, err
	}
	a, err := tx.Act(ctx, municipality, id)
	if err != nil {
		return a, err
	}
	r, err := a.Recommendation(n)
	if err != nil {
		return a, err
	}
	if err := change(r); err != nil {
		return a, err
	}
	var cBy, cOn, cRef, dReason, dOn, fOn, fNote string
	if c := r.Considered; c != nil {
		cBy, cOn, cRef = c.By, monitoring.Day(c.On), c.Ref
	}
	if d := r.Declined; d != nil {
		dReason, dOn = d.Reason, monitoring.Day(d.On)
	}
	if f := r.CarriedOut; f != nil {
		fOn, fNote = monitoring.Day(f.On), f.Note
	}
	if _, err := tx.exec(ctx, `UPDATE act_recommendations SET considered_by = ?, considered_on = ?, considered_ref = ?, declined_reason = ?, declined_on = ?,
		carried_out_on = ?, carried_out_note = ? WHERE id = ?`, cBy, cOn, cRef, dReason, dOn, fOn, fNote, r.ID); err != nil {
		return a, fmt.Errorf("record recommendation %d: %w", n, err)
	}
	if err := tx.Audit(ctx, municipality, actor, "act.recommendation", 0, "ok", fmt.Sprintf("act:%d rec:%d %s", id, n, r.Status(a.Deliveries))); err != nil {
		return a, err
	}
	return tx.Act(ctx, municipality, id)
}

// CommentAct records a stakeholder's comment, objection or the outcome of
// a discussion (8.11) beside a final act, which stays as it is.
func (tx *Tx) CommentAct(ctx context.Context, municipality string, id int64, c monitoring.ActComment, actor string) (monitoring.Act, error) {
	if err := tx.Hold(ctx, municipality); err != nil {
		return monitoring.Act{}, err
	}
	a, err := tx.Act(ctx, municipality, id)
	if err != nil {
		return a, err
	}
	if err := a.Comment(c); err != nil {
		return a, err
	}
	c = a.Comments[len(a.Comments)-1]
	if _, err := tx.insertID(ctx, `INSERT INTO act_comments (act_id, kind, author, body, received_on, recorded_at) VALUES (?, ?, ?, ?, ?, ?)`,
		id, string(c.Kind), c.From, c.Text, monitoring.Day(c.On), tx.now); err != nil {
		return a, fmt.Errorf("record the comment: %w", err)
	}
	if err := tx.Audit(ctx, municipality, actor, "act.comment", 0, "ok", fmt.Sprintf("act:%d %s", id, c.Kind)); err != nil {
		return a, err
	}
	return tx.Act(ctx, municipality, id)
}
