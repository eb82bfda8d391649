package storage

import (
	"context"
	"fmt"
	"time"

	"bmjbt/monitoring"
)

// Runs of scheduled work (package jobs). Each run (a job and its period: a
// date, a request) has one lease row: a runner claims it in a short
// transaction, computes outside any, and posts while it is still the
// holder. A run is done once, whatever restarts or second processes do.

// ClaimRun takes a run for holder for the lease's length. It is claimed
// when nobody has it, when its holder's lease ran out (that process died or
// hung), or when holder has it already; a done run is never claimed again.
func (db *DB) ClaimRun(ctx context.Context, municipality, job, period, holder string, lease time.Duration) (bool, error) {
	now := db.now()
	// One statement: two claimants meet on the primary key, and the loser
	// sees the winner's row through the WHERE of its update.
	res, err := db.exec(ctx, `INSERT INTO job_runs (municipality, job, period, holder, lease_until) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (municipality, job, period) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until
		WHERE job_runs.done_at IS NULL AND (job_runs.lease_until <= ? OR job_runs.holder = excluded.holder)`,
		municipality, job, period, holder, now.Add(lease), now)
	if err != nil {
		return false, fmt.Errorf("claim run %s %s: %w", job, period, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim run %s %s: %w", job, period, err)
	}
	return n == 1, nil
}

// PostRun writes a run's replies and marks it done in one transaction, if
// holder still holds it. It reports false, writing nothing, when another
// runner took the run over after holder's lease ran out. (A holder whose
// lease ran out but whom nobody replaced still posts: the run is still
// its own, and done once.)
func (db *DB) PostRun(ctx context.Context, municipality, job, period, holder string, out []monitoring.OutboxItem) (bool, error) {
	posted := false
	err := db.InTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE job_runs SET done_at = ? WHERE municipality = ? AND job = ? AND period = ?
			AND holder = ? AND done_at IS NULL`, tx.now, municipality, job, period, holder)
		if err != nil {
			return fmt.Errorf("mark run %s %s done: %w", job, period, err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return err // lost: nothing to write
		}
		posted = true
		return tx.EnqueueAll(ctx, out)
	})
	if err != nil {
		return false, err
	}
	return posted, nil
}

// RunDone reports whether a run is done: a cheap look that spares an idle
// runner a write.
func (db *DB) RunDone(ctx context.Context, municipality, job, period string) (bool, error) {
	var n int
	if err := db.get(ctx, &n, `SELECT COUNT(*) FROM job_runs WHERE municipality = ? AND job = ? AND period = ? AND done_at IS NOT NULL`,
		municipality, job, period); err != nil {
		return false, fmt.Errorf("read run %s %s: %w", job, period, err)
	}
	return n > 0, nil
}

// GroupChats returns the group's chats on every channel, outside a
// transaction.
func (db *DB) GroupChats(ctx context.Context, municipality string) ([]monitoring.GroupChat, error) {
	return groupChats(ctx, db, municipality)
}

// MembersReach returns the private chats of the active members holding any
// of roles, with their languages, outside a transaction.
func (db *DB) MembersReach(ctx context.Context, municipality string, roles ...monitoring.Role) ([]monitoring.Reach, error) {
	return membersReach(ctx, db, municipality, roles...)
}
