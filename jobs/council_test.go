package jobs_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"bmjbt/bot"
	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

// approvedGroup makes n members who joined on Telegram (chat "70"+i, the
// first the chair) and records decision 12/5 for them with a term.
func approvedGroup(t *testing.T, db *storage.DB, n int, termEnds string) []monitoring.Member {
	t.Helper()
	ctx := context.Background()
	m := storagetest.Municipality(t)
	ends, _ := monitoring.ParseDay(termEnds)
	dec, err := monitoring.ParseDecision("12/5", "2025-10-14")
	if err != nil {
		t.Fatal(err)
	}
	var out []monitoring.Member
	err = db.InTx(ctx, func(tx *storage.Tx) error {
		for i := range n {
			role := monitoring.Ordinary
			if i == 0 {
				role = monitoring.Chair
			}
			code := bot.NewInviteCode()
			if _, err := tx.CreateInvite(ctx, m.Code, code, role, fmt.Sprintf("Мүчө %d", i+1), "operator"); err != nil {
				return err
			}
			mb, err := tx.Join(ctx, m.Code, code, "telegram", fmt.Sprint(70+i), fmt.Sprint(70+i))
			if err != nil {
				return err
			}
			if mb, err = tx.ApproveMember(ctx, m.Code, mb.ID, monitoring.Approval{Decision: dec, TermEnds: ends}, monitoring.ByCommunity, ""); err != nil {
				return err
			}
			out = append(out, mb)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func runAll(t *testing.T, db *storage.DB, runners int) {
	t.Helper()
	var wg sync.WaitGroup
	for range runners {
		r := runner(t, db, nil)
		wg.Go(func() {
			if err := r.RunDue(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

func sizeNotices(t *testing.T, db *storage.DB, chat string) int {
	n := 0
	for _, text := range texts(t, db, chat) {
		if strings.HasPrefix(text, "Айылдык кеңеш бекиткен мүчөлөрдүн саны: 4.") && strings.Contains(text, "3.4") {
			n++
		}
	}
	return n
}

// 3.4: when the approved membership falls below five, the group's chat is
// told once, whatever runs and however often.
func TestGroupToldOnceWhenItFallsOutsideFiveToEleven(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		c := at(db, 2026, 3, 2, 8) // before the digest hour: only this job speaks
		bindGroup(t, db, "-100")
		ms := approvedGroup(t, db, 5, "")
		runAll(t, db, 2)
		if n := sizeNotices(t, db, "-100"); n != 0 {
			t.Fatalf("five approved members: %d notices; want none", n)
		}
		c.Add(time.Minute)
		if err := db.InTx(ctx, func(tx *storage.Tx) error {
			_, err := tx.RemoveMember(ctx, "sadyrbaev", ms[3].ID, monitoring.OwnRequest)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		runAll(t, db, 3)
		c.Add(time.Minute)
		runAll(t, db, 2)
		if n := sizeNotices(t, db, "-100"); n != 1 {
			t.Fatalf("after a removal: %d notices; want exactly one: %q", n, texts(t, db, "-100"))
		}
	})
}

// The chair is reminded 30 days before a member's term ends, once.
func TestChairRemindedOnceBeforeATermEnds(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := at(db, 2026, 9, 1, 8)
		approvedGroup(t, db, 5, "2026-10-14")
		runAll(t, db, 2)
		if got := texts(t, db, "70"); len(got) != 0 {
			t.Fatalf("43 days before the term ends: %q; want nothing yet", got)
		}
		c.Add(14 * 24 * time.Hour) // 2026-09-15: within 30 days
		runAll(t, db, 3)
		c.Add(24 * time.Hour)
		runAll(t, db, 1)
		got := texts(t, db, "70")
		if len(got) != 5 {
			t.Fatalf("reminders to the chair: %d; want one per member (5): %q", len(got), got)
		}
		for _, text := range got {
			if !strings.Contains(text, "ыйгарым укуктарынын мөөнөтү бүтөт") || !strings.Contains(text, "/approve") {
				t.Fatalf("reminder %q", text)
			}
		}
		if other := texts(t, db, "71"); len(other) != 0 {
			t.Fatalf("an ordinary member was reminded: %q", other)
		}
	})
}

// 3.4: at the third missed meeting the chair and the member are told, once;
// nothing else happens by itself.
func TestThirdAbsenceToldOnceToTheChairAndTheMember(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		c := at(db, 2026, 3, 2, 8)
		ms := approvedGroup(t, db, 5, "")
		missed := ms[3]
		for i := range 3 {
			runAll(t, db, 1)
			if got := texts(t, db, "73"); len(got) != 0 {
				t.Fatalf("after %d missed meetings the member was told: %q", i, got)
			}
			err := db.InTx(ctx, func(tx *storage.Tx) error {
				mt := monitoring.Meeting{Municipality: "sadyrbaev", HeldAt: c.Now().Add(-time.Hour), Agenda: []string{"Кезектеги отурум"}}
				if err := tx.CreateMeeting(ctx, &mt); err != nil {
					return err
				}
				return tx.SetAttendance(ctx, mt.ID, missed.ID, monitoring.Absent, "")
			})
			if err != nil {
				t.Fatal(err)
			}
			c.Add(24 * time.Hour)
		}
		runAll(t, db, 3)
		runAll(t, db, 2)
		for _, chat := range []string{"70", "73"} {
			got := texts(t, db, chat)
			if len(got) != 1 || !strings.Contains(got[0], "Мүчө 4 топтун отурумдарына 3 жолу катышкан жок") || !strings.Contains(got[0], "3.4") {
				t.Fatalf("chat %s: %q; want one notice of the third absence", chat, got)
			}
		}
		if other := texts(t, db, "71"); len(other) != 0 {
			t.Fatalf("another member was told: %q", other)
		}
		list, err := db.Members(ctx, "sadyrbaev", false)
		if err != nil || len(list) != 5 {
			t.Fatalf("members after the notice: %d, %v; removal is never automatic", len(list), err)
		}
	})
}
