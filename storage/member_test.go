package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

// join makes an invite for role and uses it as Telegram user ref.
func join(t *testing.T, db *storage.DB, role monitoring.Role, name, ref string) monitoring.Member {
	t.Helper()
	ctx := context.Background()
	var m monitoring.Member
	err := db.InTx(ctx, func(tx *storage.Tx) (err error) {
		code := "CODE-" + ref
		if _, err := tx.CreateInvite(ctx, muni, code, role, name, "operator"); err != nil {
			return err
		}
		m, err = tx.Join(ctx, muni, code, string(monitoring.Telegram), ref, ref)
		return err
	})
	if err != nil {
		t.Fatalf("join %s as %s: %v", ref, role, err)
	}
	return m
}

func invite(t *testing.T, db *storage.DB, code string, role monitoring.Role, name string) error {
	t.Helper()
	var err error
	if txErr := db.InTx(context.Background(), func(tx *storage.Tx) error {
		_, err = tx.CreateInvite(context.Background(), muni, code, role, name, "operator")
		return nil
	}); txErr != nil {
		t.Fatal(txErr)
	}
	return err
}

func use(t *testing.T, db *storage.DB, code, ref string) (monitoring.Member, error) {
	t.Helper()
	var (
		m   monitoring.Member
		err error
	)
	if txErr := db.InTx(context.Background(), func(tx *storage.Tx) error {
		m, err = tx.Join(context.Background(), muni, code, string(monitoring.Telegram), ref, ref)
		return nil
	}); txErr != nil {
		t.Fatal(txErr)
	}
	return m, err
}

func TestInviteWorksOnceAndExpires(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		c := &clock{t: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)}
		db.Clock = c.Now
		if err := invite(t, db, "ABCD-EFGH-JKLM", monitoring.Secretary, "Айгүл Асанова"); err != nil {
			t.Fatal(err)
		}
		if err := invite(t, db, "NPQR-STUV-WXYZ", monitoring.Ordinary, "Бакыт Осмонов"); err != nil {
			t.Fatal(err)
		}
		if _, err := use(t, db, "WRONG-CODE", "guess"); monitoring.ErrorCode(err) != monitoring.EUNAUTHORIZED {
			t.Fatalf("a wrong code: %v; want unauthorized", err)
		}
		c.Add(monitoring.InviteTTL - time.Minute)
		m, err := use(t, db, " abcd efgh-jklm ", "aigul") // typed loosely, a minute before it expires
		if err != nil || m.Role != monitoring.Secretary || m.Name != "Айгүл Асанова" {
			t.Fatalf("join: %+v, %v; want the secretary the invite names", m, err)
		}
		if _, err := use(t, db, "ABCD-EFGH-JKLM", "someone-else"); monitoring.ErrorCode(err) != monitoring.EUNAUTHORIZED {
			t.Fatalf("the same code twice: %v; want unauthorized", err)
		}
		c.Add(time.Minute)
		if _, err := use(t, db, "NPQR-STUV-WXYZ", "bakyt"); monitoring.ErrorCode(err) != monitoring.EUNAUTHORIZED {
			t.Fatalf("an expired code: %v; want unauthorized", err)
		}
		members, err := db.Members(context.Background(), muni, false)
		if err != nil || len(members) != 1 {
			t.Fatalf("members = %+v, %v; want only the secretary", members, err)
		}
	})
}

func TestOneChairAndAtMostElevenMembers(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		// Two chair invites made before anyone joined: the second is
		// refused when used (3.5).
		for _, code := range []string{"CHAIR-ONE", "CHAIR-TWO"} {
			if err := invite(t, db, code, monitoring.Chair, "Төрага "+code); err != nil {
				t.Fatal(err)
			}
		}
		chair, err := use(t, db, "CHAIR-ONE", "chair1")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := use(t, db, "CHAIR-TWO", "chair2"); monitoring.ErrorCode(err) != monitoring.ECONFLICT {
			t.Fatalf("a second chair joining: %v; want a conflict", err)
		}
		if err := invite(t, db, "CHAIR-THREE", monitoring.Chair, "Үчүнчү"); monitoring.ErrorCode(err) != monitoring.ECONFLICT {
			t.Fatalf("inviting a second chair: %v; want a conflict", err)
		}
		// Once the chair leaves, a new chair may be invited.
		if err := db.InTx(context.Background(), func(tx *storage.Tx) error {
			_, err := tx.RemoveMember(context.Background(), muni, chair.ID, monitoring.OwnRequest)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := invite(t, db, "CHAIR-FOUR", monitoring.Chair, "Жаңы төрага"); err != nil {
			t.Fatalf("inviting a chair after the last one left: %v", err)
		}
		// 3.4: eleven members at most.
		for i := range 11 {
			join(t, db, monitoring.Ordinary, fmt.Sprint("Мүчө ", i), fmt.Sprint("m", i))
		}
		if err := invite(t, db, "TWELFTH", monitoring.Ordinary, "Он экинчи"); monitoring.ErrorCode(err) != monitoring.ECONFLICT {
			t.Fatalf("inviting a twelfth member: %v; want a conflict", err)
		}
		if _, err := use(t, db, "CHAIR-FOUR", "chair4"); monitoring.ErrorCode(err) != monitoring.ECONFLICT {
			t.Fatalf("a twelfth member joining with an older invite: %v; want a conflict", err)
		}
		if list, err := db.Members(context.Background(), muni, false); err != nil || len(list) != 11 {
			t.Fatalf("active members = %d, %v; want 11", len(list), err)
		}
	})
}

func TestLinkCodeOnlyForAMemberStillInTheGroup(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		m := join(t, db, monitoring.Ordinary, "Айгүл", "tg-aigul")
		link := func(code string) {
			t.Helper()
			if err := db.InTx(ctx, func(tx *storage.Tx) error {
				_, err := tx.CreateLink(ctx, m, code, "member")
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		link("LINK-ONE")
		link("LINK-TWO")
		got, err := use(t, db, "LINK-ONE", "wa-aigul")
		if err != nil || got.ID != m.ID {
			t.Fatalf("link: %+v, %v; want the same member %d", got, err, m.ID)
		}
		if err := db.InTx(ctx, func(tx *storage.Tx) error {
			_, err := tx.RemoveMember(ctx, muni, m.ID, monitoring.Health)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := use(t, db, "LINK-TWO", "wa-other"); monitoring.ErrorCode(err) != monitoring.EUNAUTHORIZED {
			t.Fatalf("a removed member's link code: %v; want unauthorized", err)
		}
	})
}
