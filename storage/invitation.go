package storage

import (
	"context"
	"fmt"
	"strings"

	"bmjbt/survey"
)

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

// InvitedCount is how many residents a survey invited.
func (tx *Tx) InvitedCount(ctx context.Context, surveyID int64) (int, error) {
	var n int
	if err := tx.get(ctx, &n, `SELECT COUNT(*) FROM invitations WHERE survey_id = ?`, surveyID); err != nil {
		return 0, fmt.Errorf("count invitations: %w", err)
	}
	return n, nil
}
