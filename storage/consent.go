package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

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
