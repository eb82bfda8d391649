package storage_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
)

// actGroup makes five members, approved by the council (3.4), the first
// the chair; the third declares a conflict with the water provider (6.3).
func actGroup(t *testing.T, db *storage.DB) []monitoring.Member {
	t.Helper()
	ctx := context.Background()
	var out []monitoring.Member
	for i, name := range []string{"Г. Кандарова", "К. Султанова", "Э. Осмоналиев", "У. Жантаева", "К. Ташиев"} {
		role := monitoring.Ordinary
		if i == 0 {
			role = monitoring.Chair
		}
		out = append(out, join(t, db, role, name, "act-"+name))
	}
	approve(t, db, out...)
	err := db.InTx(ctx, func(tx *storage.Tx) error {
		_, err := tx.ToggleRecusal(ctx, muni, out[2].ID, "provider:water-department")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	members, err := db.Members(ctx, muni, false)
	if err != nil {
		t.Fatal(err)
	}
	return members
}

func approve(t *testing.T, db *storage.DB, ms ...monitoring.Member) {
	t.Helper()
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *storage.Tx) error {
		for _, m := range ms {
			d := monitoring.Decision{Number: "12/5", Date: time.Date(2025, 10, 14, 0, 0, 0, 0, monitoring.Bishkek)}
			if _, err := tx.ApproveMember(ctx, muni, m.ID, monitoring.Approval{Decision: d}, "", ""); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// newAct drafts an act on the water service with one finding and one
// recommendation.
func newAct(t *testing.T, db *storage.DB, chair monitoring.Member) monitoring.Act {
	t.Helper()
	ctx := context.Background()
	a := monitoring.Act{Municipality: muni, Lang: monitoring.Kyrgyz, Object: "water", OutsidePlan: "план али бекитиле элек",
		From: time.Date(2026, 10, 1, 0, 0, 0, 0, monitoring.Bishkek), To: time.Date(2026, 10, 31, 0, 0, 0, 0, monitoring.Bishkek),
		Methods: []monitoring.Method{monitoring.MethodObservation}, NoticeWaiver: "кабарлама жөнөтүлгөн эмес", CreatedBy: chair.ID}
	a.AddFinding("Суу күнүнө 4 саат гана берилет.")
	a.AddRecommendation("Айыл өкмөтү", "Суу берүүнүн графигин жарыялоо.")
	if err := db.InTx(ctx, func(tx *storage.Tx) error { return tx.CreateAct(ctx, &a, "operator") }); err != nil {
		t.Fatal(err)
	}
	return a
}

func sendAct(t *testing.T, db *storage.DB, id int64, sender monitoring.Member) (monitoring.Act, error) {
	t.Helper()
	ctx := context.Background()
	var a monitoring.Act
	err := db.InTx(ctx, func(tx *storage.Tx) (err error) {
		a, err = tx.SendAct(ctx, storagetest.Municipality(t), id, sender, 0, "operator")
		return err
	})
	return a, err
}

func signAct(t *testing.T, db *storage.DB, id, member int64, kind monitoring.AnswerKind, text string) (monitoring.Act, error) {
	t.Helper()
	ctx := context.Background()
	var a monitoring.Act
	err := db.InTx(ctx, func(tx *storage.Tx) (err error) {
		a, err = tx.SignAct(ctx, muni, id, member, monitoring.ActAnswer{Kind: kind, Text: text, Channel: monitoring.SignedOnPaper}, "operator")
		return err
	})
	return a, err
}

func editAct(t *testing.T, db *storage.DB, id int64, change func(*monitoring.Act) error) (monitoring.Act, error) {
	t.Helper()
	ctx := context.Background()
	var a monitoring.Act
	err := db.InTx(ctx, func(tx *storage.Tx) (err error) {
		a, err = tx.EditAct(ctx, muni, id, "operator", change)
		return err
	})
	return a, err
}

// An act from draft to final on both databases (Regulation 7.2, 6.3, 3.4,
// 6.2, 4.3), then delivered (7.1), its recommendations considered (7.6)
// and a provider's objection recorded beside it (8.11); a withdrawn act
// uses no number; every change leaves an audit row.
func TestActFromDraftToFinalAndAfter(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		clk := &clock{t: time.Date(2026, 11, 2, 4, 0, 0, 0, time.UTC)}
		db.Clock = clk.Now
		members := actGroup(t, db)
		chair := members[0]
		e := newEntry(t, db, resident(t, db, "act-resident").ID, "Суу жок, Айгүл 0555123456")
		var req monitoring.Request
		if err := db.InTx(ctx, func(tx *storage.Tx) error {
			req = monitoring.Request{Municipality: muni, Addressee: "Суу чарба", Question: "Графиги кандай?", CreatedBy: chair.ID}
			return tx.CreateRequest(ctx, &req)
		}); err != nil {
			t.Fatal(err)
		}

		a := newAct(t, db, chair)
		// Evidence is linked by id and read from where it is; a source is
		// cited with the request it answered (6.2).
		var ev monitoring.Evidence
		if err := db.InTx(ctx, func(tx *storage.Tx) (err error) {
			ev, err = tx.EvidenceTarget(ctx, muni, monitoring.EvidenceEntry, e.Number.String())
			return err
		}); err != nil {
			t.Fatal(err)
		}
		ev.Reverified = true
		a, err := editAct(t, db, a.ID, func(a *monitoring.Act) error {
			a.AddEvidence(ev)
			a.AddEvidence(monitoring.Evidence{Kind: monitoring.EvidenceRequest, TargetID: req.ID})
			a.Experts = append(a.Experts, monitoring.Expert{Name: "А. Асанов", Role: "инженер"})
			return a.AddSource(monitoring.Source{Title: "Суу берүүнүн графиги", From: "Суу чарба", Received: clk.Now(), RequestID: req.ID})
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Evidence) != 2 || a.Evidence[0].Label != e.Number.String() || !a.Evidence[0].Reverified ||
			a.Evidence[1].Label != "С-2026-0001" || a.Sources[0].Request != "С-2026-0001" || a.Experts[0].Name != "А. Асанов" {
			t.Fatalf("linked: %+v %+v", a.Evidence, a.Sources)
		}
		if _, err := editAct(t, db, a.ID, func(a *monitoring.Act) error {
			a.AddEvidence(monitoring.Evidence{Kind: monitoring.EvidenceSurvey, TargetID: 999})
			return nil
		}); monitoring.ErrorCode(err) != monitoring.ENOTFOUND {
			t.Errorf("evidence that does not exist: %v", err)
		}

		// 3.6: an ordinary member does not send it; the chair does, and the
		// signers are computed: four, the recused member listed apart.
		if _, err := sendAct(t, db, a.ID, members[3]); err == nil || !strings.Contains(err.Error(), "3.6") {
			t.Errorf("sent by a member: %v", err)
		}
		a, err = sendAct(t, db, a.ID, chair)
		if err != nil {
			t.Fatal(err)
		}
		if a.State != monitoring.ActSent || len(a.Waiting()) != 4 || a.Signers[len(a.Signers)-1].Status != monitoring.SignerRecused ||
			a.Signers[len(a.Signers)-1].Name != "Э. Осмоналиев" || a.Presiding.Name != chair.Name {
			t.Fatalf("sent: %+v", a.Signers)
		}
		// Someone who joins after sending is not asked.
		late := join(t, db, monitoring.Ordinary, "А. Мамытов", "act-late")
		approve(t, db, late)
		if _, err := signAct(t, db, a.ID, late.ID, monitoring.AnswerSign, ""); monitoring.ErrorCode(err) != monitoring.EUNAUTHORIZED {
			t.Errorf("a member who joined after sending signed: %v", err)
		}
		for _, m := range members[:2] {
			if _, err := signAct(t, db, a.ID, m.ID, monitoring.AnswerSign, ""); err != nil {
				t.Fatal(err)
			}
		}
		// An edit after a signature voids them all: a new round.
		clk.Add(time.Hour)
		a, err = editAct(t, db, a.ID, func(a *monitoring.Act) error {
			return a.AddFinding("Насос эки жумадан бери иштебейт.")
		})
		if err != nil {
			t.Fatal(err)
		}
		if a.Round != 2 || a.Voided != 2 || len(a.Waiting()) != 4 {
			t.Fatalf("after an edit: round %d, voided %d, waiting %d", a.Round, a.Voided, len(a.Waiting()))
		}
		for _, m := range []monitoring.Member{members[0], members[1], members[3]} {
			if a, err = signAct(t, db, a.ID, m.ID, monitoring.AnswerSign, ""); err != nil {
				t.Fatal(err)
			}
		}
		if a.State != monitoring.ActSent {
			t.Fatalf("final with a signature missing: %s", a.State)
		}
		a, err = signAct(t, db, a.ID, members[4].ID, monitoring.AnswerOpinion, "Мөөнөтү кыска болду.")
		if err != nil {
			t.Fatal(err)
		}
		if a.State != monitoring.ActFinal || a.Number.String() != "1/2026" {
			t.Fatalf("four signatures with one recused: %s № %s", a.State, a.Number)
		}
		if a.Hash != a.TextHash() {
			t.Errorf("the text read back hashes to %s, signed over %s", a.TextHash(), a.Hash)
		}
		op := a.Signers[3].Answer
		if op == nil || op.Kind != monitoring.AnswerOpinion || op.Text != "Мөөнөтү кыска болду." || op.Hash != a.Hash || op.Round != 2 {
			t.Errorf("the special opinion: %+v", op)
		}
		if byNumber, err := db.ActByNumber(ctx, muni, a.Number); err != nil || byNumber.ID != a.ID {
			t.Errorf("by number: %v", err)
		}
		if _, err := editAct(t, db, a.ID, func(a *monitoring.Act) error { return a.AddFinding("Дагы.") }); err == nil ||
			!strings.Contains(err.Error(), "never changes") {
			t.Errorf("a final act edited: %v", err)
		}

		// A refusal keeps the act from becoming final; withdrawn, it uses
		// no number, and the next final act takes the next one.
		b := newAct(t, db, chair)
		if _, err := sendAct(t, db, b.ID, chair); err != nil {
			t.Fatal(err)
		}
		for _, m := range []monitoring.Member{members[0], members[3], members[4], late} {
			if _, err := signAct(t, db, b.ID, m.ID, monitoring.AnswerSign, ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := signAct(t, db, b.ID, members[1].ID, monitoring.AnswerRefuse, ""); monitoring.ErrorCode(err) != monitoring.EINVALID {
			t.Errorf("a refusal without a reason: %v", err)
		}
		b, err = signAct(t, db, b.ID, members[1].ID, monitoring.AnswerRefuse, "Маалымат кайра текшерилген эмес.")
		if err != nil {
			t.Fatal(err)
		}
		if b.State != monitoring.ActSent || len(b.Refusals()) != 1 || b.Refusals()[0].Answer.Text != "Маалымат кайра текшерилген эмес." {
			t.Fatalf("after a refusal: %s %+v", b.State, b.Refusals())
		}
		if err := db.InTx(ctx, func(tx *storage.Tx) error { _, err := tx.WithdrawAct(ctx, muni, b.ID, "operator"); return err }); err != nil {
			t.Fatal(err)
		}
		c := newAct(t, db, chair)
		if _, err := sendAct(t, db, c.ID, chair); err != nil {
			t.Fatal(err)
		}
		for _, m := range []monitoring.Member{members[0], members[1], members[3], members[4], late} {
			if c, err = signAct(t, db, c.ID, m.ID, monitoring.AnswerSign, ""); err != nil {
				t.Fatal(err)
			}
		}
		if c.Number.String() != "2/2026" {
			t.Errorf("the act after a withdrawn one: № %s", c.Number)
		}

		// 7.1, 7.6: delivered per addressee; considered only with a reference.
		deliver := func(to string) (monitoring.Act, error) {
			var out monitoring.Act
			err := db.InTx(ctx, func(tx *storage.Tx) (err error) {
				out, err = tx.DeliverAct(ctx, muni, a.ID, monitoring.ActDelivery{Addressee: to, On: clk.Now(), How: "кат, кирүүчү № 45", By: "К. Ташиев"}, "operator")
				return err
			})
			return out, err
		}
		if a, err = deliver("айыл өкмөтү"); err != nil {
			t.Fatal(err)
		}
		if got := a.Undelivered(); len(got) != 2 || a.Recommendations[0].Status(a.Deliveries) != monitoring.RecDelivered {
			t.Errorf("undelivered %v, status %s", got, a.Recommendations[0].Status(a.Deliveries))
		}
		record := func(n int, change func(*monitoring.Recommendation) error) (monitoring.Act, error) {
			var out monitoring.Act
			err := db.InTx(ctx, func(tx *storage.Tx) (err error) {
				out, err = tx.RecordRecommendation(ctx, muni, a.ID, n, "operator", change)
				return err
			})
			return out, err
		}
		day := time.Date(2026, 11, 20, 0, 0, 0, 0, monitoring.Bishkek)
		if _, err := record(1, func(r *monitoring.Recommendation) error {
			return r.Consider(monitoring.Consideration{By: "айыл өкмөтү", On: day})
		}); err == nil || !strings.Contains(err.Error(), "7.6") {
			t.Errorf("considered without a reference: %v", err)
		}
		if _, err := record(1, func(r *monitoring.Recommendation) error {
			return r.Consider(monitoring.Consideration{By: "айыл өкмөтү", On: day, Ref: "буйрук № 12"})
		}); err != nil {
			t.Fatal(err)
		}
		a, err = record(1, func(r *monitoring.Recommendation) error {
			return r.CarryOut(monitoring.Fulfilment{On: day, Note: "график илинди"})
		})
		if err != nil {
			t.Fatal(err)
		}
		r := a.Recommendations[0]
		if r.Status(a.Deliveries) != monitoring.RecConsidered || r.Considered.Ref != "буйрук № 12" || r.CarriedOut == nil {
			t.Errorf("recommendation: %+v", r)
		}
		if err := db.InTx(ctx, func(tx *storage.Tx) error {
			_, err := tx.CommentAct(ctx, muni, a.ID, monitoring.ActComment{Kind: monitoring.CommentObjection, From: "Суу чарба", Text: "Графикти сактап жатабыз.", On: day}, "operator")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if a, _ = db.Act(ctx, muni, a.ID); len(a.Comments) != 1 || a.Hash != op.Hash {
			t.Errorf("the comment changed the act or is lost: %+v", a.Comments)
		}

		log, err := db.AuditLog(ctx, muni)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, l := range log {
			seen[l.Action+" "+l.Outcome] = true
		}
		for _, want := range []string{"act.new ok", "act.edit ok", "act.send ok", "act.sign ok",
			"act.final ok", "act.withdraw ok", "act.deliver ok", "act.recommendation ok", "act.comment ok"} {
			if !seen[want] {
				t.Errorf("no audit row %q", want)
			}
		}
	})
}

// Two acts becoming final at once get distinct numbers with no gap; a
// member removed (3.4) before the act is final is dropped, and the act
// then waits for 3.4 to hold again.
func TestActNumbersUnderConcurrencyAndDroppedSigners(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		members := actGroup(t, db)
		sixth := join(t, db, monitoring.Ordinary, "А. Мамытов", "act-sixth")
		approve(t, db, sixth)
		signers := []monitoring.Member{members[0], members[1], members[3], members[4], sixth}
		var ids []int64
		for range 2 {
			a := newAct(t, db, members[0])
			if _, err := sendAct(t, db, a.ID, members[0]); err != nil {
				t.Fatal(err)
			}
			for _, m := range signers[:4] {
				if _, err := signAct(t, db, a.ID, m.ID, monitoring.AnswerSign, ""); err != nil {
					t.Fatal(err)
				}
			}
			ids = append(ids, a.ID)
		}
		var wg sync.WaitGroup
		got := make([]monitoring.Act, len(ids))
		errs := make([]error, len(ids))
		for i, id := range ids {
			wg.Go(func() { got[i], errs[i] = signAct(t, db, id, sixth.ID, monitoring.AnswerSign, "") })
		}
		wg.Wait()
		numbers := map[string]bool{}
		for i := range got {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			numbers[got[i].Number.String()] = true
		}
		year := db.Now().In(monitoring.Bishkek).Year()
		if !numbers["1/"+itoa(year)] || !numbers["2/"+itoa(year)] {
			t.Errorf("numbers %v", numbers)
		}

		// The sixth member leaves before a third act is final: dropped.
		// Then a signer leaves too, with the rest signed: the group of four
		// cannot make it final (3.4) until the council approves another.
		a := newAct(t, db, members[0])
		if _, err := sendAct(t, db, a.ID, members[0]); err != nil {
			t.Fatal(err)
		}
		remove := func(m monitoring.Member) {
			t.Helper()
			if err := db.InTx(ctx, func(tx *storage.Tx) error {
				_, err := tx.RemoveMember(ctx, muni, m.ID, monitoring.OwnRequest)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		remove(sixth)
		var err error
		for _, m := range signers[:3] {
			if a, err = signAct(t, db, a.ID, m.ID, monitoring.AnswerSign, ""); err != nil {
				t.Fatal(err)
			}
		}
		remove(members[4])
		finalize := func() (monitoring.Act, error) {
			var out monitoring.Act
			err := db.InTx(ctx, func(tx *storage.Tx) (err error) {
				out, err = tx.FinalizeAct(ctx, muni, a.ID, "operator")
				return err
			})
			return out, err
		}
		if _, err := finalize(); err == nil || !strings.Contains(err.Error(), "3.4") {
			t.Fatalf("final with four members: %v", err)
		}
		approve(t, db, join(t, db, monitoring.Ordinary, "Б. Жаңыбаев", "act-new"))
		if a, err = finalize(); err != nil {
			t.Fatal(err)
		}
		if a.State != monitoring.ActFinal || a.Number.Seq != 3 {
			t.Fatalf("with the removed members dropped: %s № %s", a.State, a.Number)
		}
		var dropped []string
		for _, s := range a.Signers {
			if s.Dropped != nil {
				dropped = append(dropped, s.Name)
			}
		}
		if len(dropped) != 2 || dropped[0] != "К. Ташиев" || dropped[1] != "А. Мамытов" {
			t.Errorf("dropped %v", dropped)
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }
