package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"bmjbt/monitoring"
)

type memberRow struct {
	ID            int64        `db:"id"`
	Municipality  string       `db:"municipality"`
	Name          string       `db:"name"`
	Role          string       `db:"role"`
	JoinedAt      time.Time    `db:"joined_at"`
	RemovedAt     sql.NullTime `db:"removed_at"`
	RemovalReason string       `db:"removal_reason"`
	Decision      string       `db:"decision"`
	DecidedOn     string       `db:"decided_on"`
	ApprovedAt    sql.NullTime `db:"approved_at"`
	TermEnds      string       `db:"term_ends"`
	NominatedBy   string       `db:"nominated_by"`
	Affiliation   string       `db:"affiliation"`
}

const memberColumns = `m.id, m.municipality, m.name, m.role, m.joined_at, m.removed_at, m.removal_reason,
	m.decision, m.decided_on, m.approved_at, m.term_ends, m.nominated_by, m.affiliation`

func (r memberRow) member() monitoring.Member {
	m := monitoring.Member{ID: r.ID, Municipality: r.Municipality, Name: r.Name, Role: monitoring.Role(r.Role), JoinedAt: r.JoinedAt,
		NominatedBy: monitoring.Nominator(r.NominatedBy), Affiliation: r.Affiliation}
	if r.RemovedAt.Valid {
		m.Removed = &monitoring.Removal{At: r.RemovedAt.Time, Reason: monitoring.RemovalReason(r.RemovalReason)}
	}
	if r.ApprovedAt.Valid {
		decided, _ := monitoring.ParseDay(r.DecidedOn)
		ends, _ := monitoring.ParseDay(r.TermEnds)
		m.Approval = &monitoring.Approval{Decision: monitoring.Decision{Number: r.Decision, Date: decided}, TermEnds: ends, At: r.ApprovedAt.Time}
	}
	return m
}

// querier is what both a transaction and the pool can run.
type querier interface {
	get(ctx context.Context, dest any, q string, args ...any) error
	sel(ctx context.Context, dest any, q string, args ...any) error
}

func withRecusals(ctx context.Context, q querier, ms []monitoring.Member) error {
	for i := range ms {
		if err := q.sel(ctx, &ms[i].Recused, `SELECT service FROM recusals WHERE member_id = ? ORDER BY service`, ms[i].ID); err != nil {
			return fmt.Errorf("read recusals: %w", err)
		}
	}
	return nil
}

// MemberBy returns the active member a channel user is, or ENOTFOUND.
// Every member action starts here: roles come from the database, by the
// sender's identity, never from the chat a message came from.
func (tx *Tx) MemberBy(ctx context.Context, municipality, channel, userRef string) (monitoring.Member, error) {
	var r memberRow
	err := tx.get(ctx, &r, `SELECT `+memberColumns+` FROM members m
		JOIN member_identities i ON i.member_id = m.id
		WHERE i.municipality = ? AND i.channel = ? AND i.user_ref = ? AND m.removed_at IS NULL`, municipality, channel, userRef)
	if errors.Is(err, sql.ErrNoRows) {
		return monitoring.Member{}, monitoring.Errorf(monitoring.ENOTFOUND, "not a member")
	}
	if err != nil {
		return monitoring.Member{}, fmt.Errorf("read member: %w", err)
	}
	ms := []monitoring.Member{r.member()}
	if err := withRecusals(ctx, tx, ms); err != nil {
		return monitoring.Member{}, err
	}
	return ms[0], nil
}

// Members lists the group, active members first by role.
func (db *DB) Members(ctx context.Context, municipality string, withRemoved bool) ([]monitoring.Member, error) {
	return members(ctx, db, municipality, withRemoved)
}

// Members lists the group inside a transaction.
func (tx *Tx) Members(ctx context.Context, municipality string, withRemoved bool) ([]monitoring.Member, error) {
	return members(ctx, tx, municipality, withRemoved)
}

func members(ctx context.Context, q querier, municipality string, withRemoved bool) ([]monitoring.Member, error) {
	var rows []memberRow
	where := "m.municipality = ?"
	if !withRemoved {
		where += " AND m.removed_at IS NULL"
	}
	err := q.sel(ctx, &rows, `SELECT `+memberColumns+` FROM members m WHERE `+where+`
		ORDER BY m.removed_at IS NOT NULL, CASE m.role WHEN 'chair' THEN 0 WHEN 'deputy' THEN 1 WHEN 'secretary' THEN 2 ELSE 3 END, m.id`, municipality)
	if err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	out := make([]monitoring.Member, len(rows))
	for i, r := range rows {
		out[i] = r.member()
	}
	return out, withRecusals(ctx, q, out)
}

// MemberChat is the private chat of a member on a channel ("" if none).
func (tx *Tx) MemberChat(ctx context.Context, memberID int64, channel string) (string, error) {
	var chat string
	err := tx.get(ctx, &chat, `SELECT chat_id FROM member_identities WHERE member_id = ? AND channel = ? ORDER BY created_at LIMIT 1`, memberID, channel)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read member chat: %w", err)
	}
	return chat, nil
}

// HashCode is how an invite code is kept: only its hash is stored.
func HashCode(municipality, code string) string {
	code = strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(code)))
	sum := sha256.Sum256([]byte("bmjbt-invite:" + municipality + ":" + code))
	return hex.EncodeToString(sum[:])
}

// CreateInvite records an invite for a role; code is shown once to whoever
// made it. A unique role already held, or a full group, is refused (3.4, 3.5).
func (tx *Tx) CreateInvite(ctx context.Context, municipality, code string, role monitoring.Role, name, createdBy string) (time.Time, error) {
	if err := tx.roomFor(ctx, municipality, role); err != nil {
		return time.Time{}, err
	}
	inv := monitoring.NewInvite(municipality, role, name, createdBy, tx.now)
	if err := tx.addInvite(ctx, code, inv); err != nil {
		return time.Time{}, fmt.Errorf("record invite: %w", err)
	}
	return inv.ExpiresAt, nil
}

// CreateLink records a code with which member m binds their identity on
// another channel to the same membership.
func (tx *Tx) CreateLink(ctx context.Context, m monitoring.Member, code, createdBy string) (time.Time, error) {
	inv := monitoring.NewInvite(m.Municipality, m.Role, m.Name, createdBy, tx.now)
	inv.LinkMember = m.ID
	if err := tx.addInvite(ctx, code, inv); err != nil {
		return time.Time{}, fmt.Errorf("record link code: %w", err)
	}
	return inv.ExpiresAt, nil
}

func (tx *Tx) addInvite(ctx context.Context, code string, inv monitoring.Invite) error {
	_, err := tx.exec(ctx, `INSERT INTO invites (municipality, code_hash, role, name, created_by, created_at, expires_at, link_member) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		inv.Municipality, HashCode(inv.Municipality, code), string(inv.Role), inv.Name, inv.CreatedBy, inv.CreatedAt, inv.ExpiresAt, nullID(inv.LinkMember))
	return err
}

// roomFor checks, by monitoring.RoomFor, that someone of role could join now.
func (tx *Tx) roomFor(ctx context.Context, municipality string, role monitoring.Role) error {
	var rows []memberRow
	if err := tx.sel(ctx, &rows, `SELECT `+memberColumns+` FROM members m WHERE m.municipality = ? AND m.removed_at IS NULL`, municipality); err != nil {
		return fmt.Errorf("read the group: %w", err)
	}
	active := make([]monitoring.Member, len(rows))
	for i, r := range rows {
		active[i] = r.member()
	}
	return monitoring.RoomFor(role, active)
}

type inviteRow struct {
	ID           int64         `db:"id"`
	Municipality string        `db:"municipality"`
	Role         string        `db:"role"`
	Name         string        `db:"name"`
	CreatedBy    string        `db:"created_by"`
	CreatedAt    time.Time     `db:"created_at"`
	ExpiresAt    time.Time     `db:"expires_at"`
	UsedAt       sql.NullTime  `db:"used_at"`
	LinkMember   sql.NullInt64 `db:"link_member"`
}

func (r inviteRow) invite() monitoring.Invite {
	inv := monitoring.Invite{ID: r.ID, Municipality: r.Municipality, Role: monitoring.Role(r.Role), Name: r.Name, CreatedBy: r.CreatedBy,
		CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt, LinkMember: r.LinkMember.Int64}
	if r.UsedAt.Valid {
		inv.UsedAt = &r.UsedAt.Time
	}
	return inv
}

// Join uses an invite code: the channel user becomes the member the invite
// names. Whether the code still works is monitoring's decision
// (Invite.Usable: once, before it expires), as is the room for its role.
func (tx *Tx) Join(ctx context.Context, municipality, code, channel, userRef, chatID string) (monitoring.Member, error) {
	var r inviteRow
	err := tx.get(ctx, &r, `SELECT id, municipality, role, name, created_by, created_at, expires_at, used_at, link_member FROM invites WHERE municipality = ? AND code_hash = ?`,
		municipality, HashCode(municipality, code))
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return monitoring.Member{}, fmt.Errorf("read invite: %w", err)
	}
	inv := r.invite() // the zero Invite for a wrong code
	if err := inv.Usable(tx.now); err != nil {
		return monitoring.Member{}, err
	}
	if _, err := tx.MemberBy(ctx, municipality, channel, userRef); err == nil {
		return monitoring.Member{}, monitoring.Errorf(monitoring.ECONFLICT, "already a member")
	}
	id := inv.LinkMember
	if id != 0 {
		// A link code: the same member, reached on one more channel, while
		// still in the group.
		var m memberRow
		err := tx.get(ctx, &m, `SELECT `+memberColumns+` FROM members m WHERE m.id = ?`, id)
		if errors.Is(err, sql.ErrNoRows) || err == nil && !m.member().Active() {
			return monitoring.Member{}, monitoring.Errorf(monitoring.EUNAUTHORIZED, "the code is wrong, used or expired")
		}
		if err != nil {
			return monitoring.Member{}, fmt.Errorf("read linked member: %w", err)
		}
	} else {
		if err := tx.roomFor(ctx, municipality, inv.Role); err != nil {
			return monitoring.Member{}, err
		}
		if id, err = tx.insertID(ctx, `INSERT INTO members (municipality, name, role, joined_at) VALUES (?, ?, ?, ?)`, municipality, inv.Name, string(inv.Role), tx.now); err != nil {
			return monitoring.Member{}, fmt.Errorf("record member: %w", err)
		}
	}
	// A removed member's old identity is replaced by the new membership.
	if _, err := tx.exec(ctx, `DELETE FROM member_identities WHERE municipality = ? AND channel = ? AND user_ref = ?`, municipality, channel, userRef); err != nil {
		return monitoring.Member{}, fmt.Errorf("bind member: %w", err)
	}
	if _, err := tx.exec(ctx, `INSERT INTO member_identities (municipality, channel, user_ref, member_id, chat_id, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		municipality, channel, userRef, id, chatID, tx.now); err != nil {
		return monitoring.Member{}, fmt.Errorf("bind member: %w", err)
	}
	res, err := tx.exec(ctx, `UPDATE invites SET used_at = ?, member_id = ? WHERE id = ? AND used_at IS NULL`, tx.now, id, inv.ID)
	if err != nil {
		return monitoring.Member{}, fmt.Errorf("use invite: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 { // someone used it a moment ago
		return monitoring.Member{}, monitoring.Errorf(monitoring.EUNAUTHORIZED, "the code is wrong, used or expired")
	}
	return monitoring.Member{ID: id, Municipality: municipality, Name: inv.Name, Role: inv.Role, JoinedAt: tx.now}, nil
}

// LastChange is the member's latest status change not undone, for /undo;
// the rows an undo wrote (monitoring.UndoReason) do not count.
func (tx *Tx) LastChange(ctx context.Context, municipality string, memberID int64) (int64, error) {
	var id sql.NullInt64
	if err := tx.get(ctx, &id, `SELECT MAX(id) FROM entry_events WHERE municipality = ? AND member_id = ? AND undone_at IS NULL AND reason NOT LIKE 'undo #%'`,
		municipality, memberID); err != nil {
		return 0, fmt.Errorf("read last change: %w", err)
	}
	return id.Int64, nil
}

// RemoveMember ends a membership early for a reason of 3.4.
func (tx *Tx) RemoveMember(ctx context.Context, municipality string, id int64, reason monitoring.RemovalReason) (monitoring.Member, error) {
	var r memberRow
	err := tx.get(ctx, &r, `SELECT `+memberColumns+` FROM members m WHERE m.municipality = ? AND m.id = ?`, municipality, id)
	if errors.Is(err, sql.ErrNoRows) {
		return monitoring.Member{}, monitoring.Errorf(monitoring.ENOTFOUND, "member %d not found", id)
	}
	if err != nil {
		return monitoring.Member{}, fmt.Errorf("read member %d: %w", id, err)
	}
	if r.RemovedAt.Valid {
		return monitoring.Member{}, monitoring.Errorf(monitoring.ECONFLICT, "member %d was already removed", id)
	}
	if _, err := tx.exec(ctx, `UPDATE members SET removed_at = ?, removal_reason = ? WHERE id = ?`, tx.now, string(reason), id); err != nil {
		return monitoring.Member{}, fmt.Errorf("remove member %d: %w", id, err)
	}
	m := r.member()
	m.Removed = &monitoring.Removal{At: tx.now, Reason: reason}
	return m, nil
}

// ApproveMember records the council's decision on a member (3.4), with
// who nominated them and their affiliation as the decision writes them
// (3.3; empty keeps what is recorded). A decision recorded again replaces
// the earlier one: the council may correct or renew a term.
func (tx *Tx) ApproveMember(ctx context.Context, municipality string, id int64, a monitoring.Approval, by monitoring.Nominator, affiliation string) (monitoring.Member, error) {
	if err := a.CheckTerm(); err != nil {
		return monitoring.Member{}, err
	}
	var r memberRow
	err := tx.get(ctx, &r, `SELECT `+memberColumns+` FROM members m WHERE m.municipality = ? AND m.id = ?`, municipality, id)
	if errors.Is(err, sql.ErrNoRows) {
		return monitoring.Member{}, monitoring.Errorf(monitoring.ENOTFOUND, "member %d not found", id)
	}
	if err != nil {
		return monitoring.Member{}, fmt.Errorf("read member %d: %w", id, err)
	}
	if r.RemovedAt.Valid {
		return monitoring.Member{}, monitoring.Errorf(monitoring.ECONFLICT, "member %d was removed from the group", id)
	}
	if by == "" {
		by = monitoring.Nominator(r.NominatedBy)
	}
	if affiliation == "" {
		affiliation = r.Affiliation
	}
	ends := ""
	if !a.TermEnds.IsZero() {
		ends = monitoring.Day(a.TermEnds)
	}
	if _, err := tx.exec(ctx, `UPDATE members SET decision = ?, decided_on = ?, approved_at = ?, term_ends = ?, nominated_by = ?, affiliation = ? WHERE id = ?`,
		a.Decision.Number, monitoring.Day(a.Decision.Date), tx.now, ends, string(by), affiliation, id); err != nil {
		return monitoring.Member{}, fmt.Errorf("approve member %d: %w", id, err)
	}
	m := r.member()
	a.At = tx.now
	m.Approval, m.NominatedBy, m.Affiliation = &a, by, affiliation
	return m, nil
}

// Dissolve records the council's decision to dissolve the group (9) and
// closes its open surveys; nothing is deleted.
func (tx *Tx) Dissolve(ctx context.Context, municipality string, d monitoring.Decision, by string) error {
	if _, err := tx.Dissolution(ctx, municipality); err == nil {
		return monitoring.Errorf(monitoring.ECONFLICT, "the group was already dissolved")
	} else if monitoring.ErrorCode(err) != monitoring.ENOTFOUND {
		return err
	}
	if _, err := tx.exec(ctx, `INSERT INTO dissolutions (municipality, decision, decided_on, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?)`,
		municipality, d.Number, monitoring.Day(d.Date), by, tx.now); err != nil {
		return fmt.Errorf("record the dissolution: %w", err)
	}
	if _, err := tx.exec(ctx, `UPDATE surveys SET state = 'closed' WHERE municipality = ? AND state IN ('open', 'paused')`, municipality); err != nil {
		return fmt.Errorf("close the surveys of a dissolved group: %w", err)
	}
	return nil
}

// Dissolution is the council's decision that dissolved the group, or
// ENOTFOUND while it works.
func (tx *Tx) Dissolution(ctx context.Context, municipality string) (monitoring.Dissolution, error) {
	return dissolution(ctx, tx, municipality)
}

// Dissolution, outside a transaction.
func (db *DB) Dissolution(ctx context.Context, municipality string) (monitoring.Dissolution, error) {
	return dissolution(ctx, db, municipality)
}

func dissolution(ctx context.Context, q querier, municipality string) (monitoring.Dissolution, error) {
	var rows []struct {
		Decision   string    `db:"decision"`
		DecidedOn  string    `db:"decided_on"`
		RecordedAt time.Time `db:"recorded_at"`
	}
	if err := q.sel(ctx, &rows, `SELECT decision, decided_on, recorded_at FROM dissolutions WHERE municipality = ?`, municipality); err != nil {
		return monitoring.Dissolution{}, fmt.Errorf("read the dissolution: %w", err)
	}
	if len(rows) == 0 {
		return monitoring.Dissolution{}, monitoring.Errorf(monitoring.ENOTFOUND, "the group works")
	}
	day, _ := monitoring.ParseDay(rows[0].DecidedOn)
	return monitoring.Dissolution{Decision: monitoring.Decision{Number: rows[0].Decision, Date: day}, RecordedAt: rows[0].RecordedAt}, nil
}

// ToggleRecusal declares a conflict of interest for a service (6.3), or
// withdraws it; declared reports which.
func (tx *Tx) ToggleRecusal(ctx context.Context, municipality string, memberID int64, service string) (declared bool, err error) {
	res, err := tx.exec(ctx, `DELETE FROM recusals WHERE member_id = ? AND service = ?`, memberID, service)
	if err != nil {
		return false, fmt.Errorf("withdraw recusal: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return false, nil
	}
	if _, err := tx.exec(ctx, `INSERT INTO recusals (municipality, member_id, service, declared_at) VALUES (?, ?, ?, ?)`,
		municipality, memberID, service, tx.now); err != nil {
		return false, fmt.Errorf("declare recusal: %w", err)
	}
	return true, nil
}

// Audit writes a row of the audit log: who did (or was refused) what.
func (tx *Tx) Audit(ctx context.Context, municipality, actor, action string, entryID int64, outcome, detail string) error {
	var entry sql.NullInt64
	if entryID != 0 {
		entry = sql.NullInt64{Int64: entryID, Valid: true}
	}
	_, err := tx.exec(ctx, `INSERT INTO audit_log (municipality, at, actor, action, entry_id, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		municipality, tx.now, actor, action, entry, outcome, detail)
	if err != nil {
		return fmt.Errorf("write audit log: %w", err)
	}
	return nil
}

// Refusals counts refused actions of an actor since a time (to slow down
// someone guessing invite codes).
func (tx *Tx) Refusals(ctx context.Context, municipality, actor, action string, since time.Time) (int, error) {
	var n int
	err := tx.get(ctx, &n, `SELECT COUNT(*) FROM audit_log WHERE municipality = ? AND actor = ? AND action = ? AND outcome = 'refused' AND at >= ?`,
		municipality, actor, action, since.UTC())
	if err != nil {
		return 0, fmt.Errorf("count refusals: %w", err)
	}
	return n, nil
}

// AuditEntry is one row of the audit log.
type AuditEntry struct {
	At      time.Time     `db:"at"`
	Actor   string        `db:"actor"`
	Action  string        `db:"action"`
	EntryID sql.NullInt64 `db:"entry_id"`
	Outcome string        `db:"outcome"`
	Detail  string        `db:"detail"`
}

// AuditLog returns the municipality's audit log, oldest first.
func (db *DB) AuditLog(ctx context.Context, municipality string) ([]AuditEntry, error) {
	var rows []AuditEntry
	if err := db.sel(ctx, &rows, `SELECT at, actor, action, entry_id, outcome, detail FROM audit_log WHERE municipality = ? ORDER BY id`, municipality); err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	return rows, nil
}

// BindGroupIfNone records the chat named in the config, unless the chair
// already bound one with /bindgroup: the chair's choice stands.
func (tx *Tx) BindGroupIfNone(ctx context.Context, municipality, channel, chatID string) error {
	_, err := tx.exec(ctx, `INSERT INTO group_chats (municipality, channel, chat_id, bound_by, bound_at) VALUES (?, ?, ?, 'config', ?)
		ON CONFLICT (municipality, channel) DO NOTHING`, municipality, channel, chatID, tx.now)
	if err != nil {
		return fmt.Errorf("bind group chat: %w", err)
	}
	return nil
}

// MoveChat follows a chat that changed its id (Telegram turns a group into
// a supergroup with a new id): the group's binding and its cards move too.
func (tx *Tx) MoveChat(ctx context.Context, municipality, channel, from, to string) error {
	for _, q := range []string{
		`UPDATE group_chats SET chat_id = ? WHERE municipality = ? AND channel = ? AND chat_id = ?`,
		`UPDATE entry_posts SET chat_id = ? WHERE municipality = ? AND channel = ? AND chat_id = ?`,
	} {
		if _, err := tx.exec(ctx, q, to, municipality, channel, from); err != nil {
			return fmt.Errorf("move chat: %w", err)
		}
	}
	return nil
}

// BindGroup records the group's chat on a channel.
func (tx *Tx) BindGroup(ctx context.Context, municipality, channel, chatID, by string) error {
	_, err := tx.exec(ctx, `INSERT INTO group_chats (municipality, channel, chat_id, bound_by, bound_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (municipality, channel) DO UPDATE SET chat_id = excluded.chat_id, bound_by = excluded.bound_by, bound_at = excluded.bound_at`,
		municipality, channel, chatID, by, tx.now)
	if err != nil {
		return fmt.Errorf("bind group chat: %w", err)
	}
	return nil
}

// GroupChats returns the group's chats on every channel.
func (tx *Tx) GroupChats(ctx context.Context, municipality string) ([]monitoring.GroupChat, error) {
	return groupChats(ctx, tx, municipality)
}

func groupChats(ctx context.Context, q querier, municipality string) ([]monitoring.GroupChat, error) {
	var out []monitoring.GroupChat
	if err := q.sel(ctx, &out, `SELECT channel, chat_id FROM group_chats WHERE municipality = ? ORDER BY channel`, municipality); err != nil {
		return nil, fmt.Errorf("read group chats: %w", err)
	}
	return out, nil
}

// ResidentLang is the language a channel user chose, "" if unknown.
func (tx *Tx) ResidentLang(ctx context.Context, municipality, channel, userRef string) (monitoring.Lang, error) {
	var lang string
	err := tx.get(ctx, &lang, `SELECT lang FROM residents WHERE municipality = ? AND channel = ? AND user_ref = ?`, municipality, channel, userRef)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read language: %w", err)
	}
	return monitoring.Lang(lang), nil
}

// MembersReach returns the private chats of the active members holding any
// of roles, on every channel, with the language each chose.
func (tx *Tx) MembersReach(ctx context.Context, municipality string, roles ...monitoring.Role) ([]monitoring.Reach, error) {
	return membersReach(ctx, tx, municipality, roles...)
}

func membersReach(ctx context.Context, qr querier, municipality string, roles ...monitoring.Role) ([]monitoring.Reach, error) {
	var out []monitoring.Reach
	q := `SELECT i.member_id, i.channel, i.chat_id, COALESCE(r.lang, '') AS lang FROM member_identities i
		JOIN members m ON m.id = i.member_id
		LEFT JOIN residents r ON r.municipality = i.municipality AND r.channel = i.channel AND r.user_ref = i.user_ref
		WHERE i.municipality = ? AND m.removed_at IS NULL`
	args := []any{municipality}
	if len(roles) > 0 {
		q += " AND m.role IN (?" + strings.Repeat(", ?", len(roles)-1) + ")"
		for _, r := range roles {
			args = append(args, string(r))
		}
	}
	if err := qr.sel(ctx, &out, q+" ORDER BY m.id, i.channel", args...); err != nil {
		return nil, fmt.Errorf("read member chats: %w", err)
	}
	return out, nil
}

// KnownRef reports whether a channel user reference is already somebody
// here: a resident or a member.
func (db *DB) KnownRef(ctx context.Context, municipality, channel, ref string) (bool, error) {
	var n int
	err := db.get(ctx, &n, `SELECT (SELECT COUNT(*) FROM residents WHERE municipality = ? AND channel = ? AND user_ref = ?)
		+ (SELECT COUNT(*) FROM member_identities WHERE municipality = ? AND channel = ? AND user_ref = ?)`,
		municipality, channel, ref, municipality, channel, ref)
	if err != nil {
		return false, fmt.Errorf("look up user: %w", err)
	}
	return n > 0, nil
}

// IsBoundGroup reports whether a chat is the group's chat on a channel.
func (db *DB) IsBoundGroup(ctx context.Context, municipality, channel, chatID string) (bool, error) {
	var n int
	if err := db.get(ctx, &n, `SELECT COUNT(*) FROM group_chats WHERE municipality = ? AND channel = ? AND chat_id = ?`, municipality, channel, chatID); err != nil {
		return false, fmt.Errorf("check group chat: %w", err)
	}
	return n > 0, nil
}
