package monitoring_test

import (
	"strings"
	"testing"
	"time"

	"bmjbt/monitoring"
)

func actDay(s string) time.Time {
	t, ok := monitoring.ParseDay(s)
	if !ok {
		panic(s)
	}
	return t
}

// group is n approved members, the first the chair and the second the
// deputy; member 3 is related to the water provider.
func group(n int) []monitoring.Member {
	approved := &monitoring.Approval{Decision: monitoring.Decision{Number: "12/5", Date: actDay("2025-10-14")}, At: actDay("2025-10-15")}
	names := []string{"Г. Кандарова", "К. Султанова", "Э. Осмоналиев", "У. Жантаева", "К. Ташиев", "А. Мамытов"}
	var ms []monitoring.Member
	for i := range n {
		m := monitoring.Member{ID: int64(i + 1), Name: names[i], Role: monitoring.Ordinary, Approval: approved}
		switch i {
		case 0:
			m.Role = monitoring.Chair
		case 1:
			m.Role = monitoring.Deputy
		case 2:
			m.Recused = []string{"provider:suu"}
		}
		ms = append(ms, m)
	}
	return ms
}

var actMuni = &monitoring.Municipality{
	Services:  []monitoring.Place{{Code: "water"}, {Code: "roads"}},
	Providers: []monitoring.Provider{{Code: "suu", Services: []string{"water"}}},
}

func draft() monitoring.Act {
	a := monitoring.Act{ID: 1, State: monitoring.ActDraft, Lang: monitoring.Kyrgyz, Object: "water", OutsidePlan: "план али бекитиле элек",
		From: actDay("2026-10-01"), To: actDay("2026-10-31"), Methods: []monitoring.Method{monitoring.MethodObservation},
		NoticeWaiver: "кабарлама жөнөтүлгөн эмес"}
	a.AddFinding("Суу күнүнө 4 саат гана берилет.")
	a.AddRecommendation("Айыл өкмөтү", "Графикти жарыялоо.")
	return a
}

// 7.2, 6.3, 3.4: every active approved member signs, less those recused
// for the object; 3.4 is checked on the group when sent and when final,
// not on the number of signers: five with one recused is final with four.
func TestActSignersAndFinal(t *testing.T) {
	now := actDay("2026-11-02").Add(10 * time.Hour)
	members := group(5)
	signers, recused := monitoring.Signers(actMuni, members, "water", now)
	if len(signers) != 4 || len(recused) != 1 || recused[0].Name != "Э. Осмоналиев" {
		t.Fatalf("signers %d, recused %v", len(signers), recused)
	}
	// A recusal of the provider covers its service, not the roads.
	if s, _ := monitoring.Signers(actMuni, members, "roads", now); len(s) != 5 {
		t.Errorf("roads: %d signers, want 5", len(s))
	}
	// A member awaiting the council's approval does not sign (3.4).
	pending := append(group(5), monitoring.Member{ID: 9, Name: "Жаңы мүчө"})
	if s, _ := monitoring.Signers(actMuni, pending, "water", now); len(s) != 4 {
		t.Errorf("a member not yet approved is a signer: %d", len(s))
	}

	a := draft()
	if err := a.Send(actMuni, members[0], group(4), nil, nil, now, 0); err == nil || !strings.Contains(err.Error(), "3.4") {
		t.Errorf("sent with four members: %v", err)
	}
	if err := a.Send(actMuni, members[3], members, nil, nil, now, 0); err == nil || !strings.Contains(err.Error(), "3.6") {
		t.Errorf("sent by an ordinary member: %v", err)
	}
	if err := a.Send(actMuni, members[1], members, nil, nil, now, 0); err == nil || !strings.Contains(err.Error(), "3.6") {
		t.Errorf("sent by the deputy without a recorded absence: %v", err)
	}
	if err := a.Send(actMuni, members[0], members, nil, nil, now, 0); err != nil {
		t.Fatal(err)
	}
	if a.State != monitoring.ActSent || a.Round != 1 || !a.SignBy.Equal(now.AddDate(0, 0, 7)) || a.Hash != a.TextHash() {
		t.Fatalf("sent: %+v", a)
	}
	// Someone approved after sending is not asked: the set is fixed.
	if err := a.Answer(9, monitoring.ActAnswer{Kind: monitoring.AnswerSign}); monitoring.ErrorCode(err) != monitoring.EUNAUTHORIZED {
		t.Errorf("a member not on the list signed: %v", err)
	}
	if err := a.Answer(3, monitoring.ActAnswer{Kind: monitoring.AnswerSign}); err == nil || !strings.Contains(err.Error(), "6.3") {
		t.Errorf("the recused member signed: %v", err)
	}
	if err := a.Answer(4, monitoring.ActAnswer{Kind: monitoring.AnswerOpinion}); monitoring.ErrorCode(err) != monitoring.EINVALID {
		t.Errorf("an opinion without its text: %v", err)
	}
	for _, id := range []int64{1, 2, 5} {
		if err := a.Answer(id, monitoring.ActAnswer{Kind: monitoring.AnswerSign, At: now, Channel: monitoring.SignedOnPaper}); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Answer(1, monitoring.ActAnswer{Kind: monitoring.AnswerSign}); monitoring.ErrorCode(err) != monitoring.ECONFLICT {
		t.Errorf("signed twice: %v", err)
	}
	if err := a.CheckFinal(members, now); err == nil || !strings.Contains(err.Error(), "У. Жантаева") {
		t.Errorf("final with a signature missing: %v", err)
	}
	if err := a.Answer(4, monitoring.ActAnswer{Kind: monitoring.AnswerOpinion, Text: "Мөөнөтү кыска."}); err != nil {
		t.Fatal(err)
	}
	if err := a.CheckFinal(members, now); err != nil {
		t.Errorf("four signatures with one recused: %v", err)
	}
	if a.Signers[3].Answer.Hash != a.Hash || a.Signers[3].Answer.Lang != monitoring.Kyrgyz {
		t.Errorf("the signature is not over the text: %+v", a.Signers[3].Answer)
	}
	// 3.4 when it becomes final: a member removed meanwhile is dropped,
	// and a group of four cannot make it final.
	gone := group(5)
	gone[4].Removed = &monitoring.Removal{At: now, Reason: monitoring.OwnRequest}
	b := a
	b.Signers = append([]monitoring.ActSigner(nil), a.Signers...)
	b.Drop(gone, now.Add(time.Hour))
	if b.Signers[3].Dropped == nil || b.Signers[3].Name != "К. Ташиев" {
		t.Errorf("the removed member is not dropped: %+v", b.Signers)
	}
	if err := b.CheckFinal(gone, now.Add(time.Hour)); err == nil || !strings.Contains(err.Error(), "3.4") {
		t.Errorf("final with four members: %v", err)
	}

	// The signing period is the group's practice: seven days by default.
	if a.SigningOver(now.AddDate(0, 0, 6)) || !a.SigningOver(now.AddDate(0, 0, 7)) {
		t.Errorf("signing period: until %s", a.SignBy)
	}

	// An edit after a signature voids every signature: a new round.
	c := a
	c.Signers = append([]monitoring.ActSigner(nil), a.Signers...)
	c.AddFinding("Насос иштебейт.")
	c.Touched()
	if c.Round != 2 || c.Voided != 4 || len(c.Waiting()) != 4 || c.Hash == a.Hash {
		t.Errorf("after an edit: round %d, voided %d, waiting %d", c.Round, c.Voided, len(c.Waiting()))
	}
	// A button made for the first text is refused: replayed or stale.
	if err := c.Answer(1, monitoring.ActAnswer{Kind: monitoring.AnswerSign, Round: 1}); monitoring.ErrorCode(err) != monitoring.ECONFLICT {
		t.Errorf("an answer over the first text: %v", err)
	}
	if err := c.Answer(1, monitoring.ActAnswer{Kind: monitoring.AnswerSign, Hash: a.Hash[:12]}); monitoring.ErrorCode(err) != monitoring.ECONFLICT {
		t.Errorf("an answer over the first text's hash: %v", err)
	}
	if err := c.Answer(1, monitoring.ActAnswer{Kind: monitoring.AnswerSign, Round: 2, Hash: c.Hash[:12]}); err != nil || c.Signers[0].Answer.Hash != c.Hash {
		t.Errorf("an answer over the current text: %v", err)
	}
}

// A refusal with a reason blocks the act (7.2); a withdrawn act is never
// numbered and a final one never changes.
func TestActRefusalWithdrawAndFinal(t *testing.T) {
	now := actDay("2026-11-02")
	members := group(5)
	a := draft()
	if err := a.Send(actMuni, members[0], members, nil, nil, now, 3); err != nil {
		t.Fatal(err)
	}
	if err := a.Answer(2, monitoring.ActAnswer{Kind: monitoring.AnswerRefuse}); monitoring.ErrorCode(err) != monitoring.EINVALID {
		t.Errorf("a refusal without a reason: %v", err)
	}
	for _, id := range []int64{1, 4, 5} {
		a.Answer(id, monitoring.ActAnswer{Kind: monitoring.AnswerSign})
	}
	a.Answer(2, monitoring.ActAnswer{Kind: monitoring.AnswerRefuse, Text: "Маалымат текшерилген эмес."})
	if err := a.CheckFinal(members, now); err == nil || !strings.Contains(err.Error(), "К. Султанова refused") {
		t.Errorf("final despite a refusal: %v", err)
	}
	if err := a.Withdraw(now); err != nil || a.State != monitoring.ActWithdrawn || !a.Number.IsZero() {
		t.Errorf("withdraw: %v %+v", err, a)
	}
	f := draft()
	f.Finalize(monitoring.ActNumber{Year: 2026, Seq: 3}, now)
	if f.Number.String() != "3/2026" {
		t.Errorf("number %s", f.Number)
	}
	if err := f.Editable(); err == nil || !strings.Contains(err.Error(), "never changes") {
		t.Errorf("a final act editable: %v", err)
	}
	if n, ok := monitoring.ParseActNumber("№ 3/2026"); !ok || n != f.Number {
		t.Errorf("parse: %v %v", n, ok)
	}
}

// 3.6: a chair on a recorded absence through the whole signing period is
// shown as absent and the deputy presides; an absence covering part of it
// leaves the chair a signer.
func TestActChairAbsent(t *testing.T) {
	now := actDay("2026-11-02")
	members := group(5)
	whole := []monitoring.ChairAbsence{{From: actDay("2026-11-01"), To: actDay("2026-11-30")}}
	a := draft()
	if err := a.Send(actMuni, members[1], members, whole, nil, now, 0); err != nil {
		t.Fatal(err)
	}
	if !a.Presiding.Acting || a.Presiding.Name != "К. Султанова" || a.Signers[0].Status != monitoring.SignerAbsent || len(a.Waiting()) != 3 {
		t.Errorf("chair absent: presiding %+v, chair %+v, waiting %d", a.Presiding, a.Signers[0], len(a.Waiting()))
	}
	part := []monitoring.ChairAbsence{{From: actDay("2026-11-01"), To: actDay("2026-11-04")}}
	b := draft()
	if err := b.Send(actMuni, members[1], members, part, nil, now, 0); err != nil {
		t.Fatal(err)
	}
	if b.Signers[0].Status != monitoring.SignerAsked || len(b.Waiting()) != 4 {
		t.Errorf("chair away for part of the period: %+v", b.Signers[0])
	}
}

// 5.2, 8.2: an act follows a notice dated on or before the period's start,
// or gives the reason; 4.3: the plan item or the reason for monitoring
// outside it.
func TestActDraftChecks(t *testing.T) {
	a := draft()
	a.NoticeWaiver = ""
	if err := a.CheckDraft(nil); err == nil || !strings.Contains(err.Error(), "5.2") {
		t.Errorf("no notice, no reason: %v", err)
	}
	late := &monitoring.Notice{ID: 4, Kind: monitoring.NoticeBefore, Object: "water", SentOn: actDay("2026-10-05")}
	if err := a.CheckDraft(late); err == nil || !strings.Contains(err.Error(), "after the period monitored started") {
		t.Errorf("a late notice: %v", err)
	}
	late.SentOn = actDay("2026-09-25")
	if err := a.CheckDraft(late); err != nil {
		t.Errorf("a notice in time: %v", err)
	}
	a.PlanItem = "3"
	if err := a.CheckDraft(late); err == nil || !strings.Contains(err.Error(), "either") {
		t.Errorf("both a plan item and a reason: %v", err)
	}
	if _, err := monitoring.ParseMethods("observation, interviews"); err != nil {
		t.Error(err)
	}
	if _, err := monitoring.ParseMethods("guessing"); err == nil || !strings.Contains(err.Error(), "5.6") {
		t.Errorf("an unknown method: %v", err)
	}
	// The hash covers the text, not who reads it.
	b := draft()
	if b.TextHash() != draft().TextHash() {
		t.Error("the same text hashes differently")
	}
	b.Recommendations[0].Addressee = "Айылдык кеңеш"
	if b.TextHash() == draft().TextHash() {
		t.Error("a changed addressee keeps the hash")
	}
	b.Findings, _ = monitoring.Move(append(b.Findings, "Экинчи."), 2, 1)
	if b.Findings[0] != "Экинчи." {
		t.Errorf("move: %v", b.Findings)
	}
}

// 7.1, 7.6: the final act goes to the head, the council and each
// addressee; a recommendation is considered only with who, when and a
// reference; declined with a reason; carried out is apart.
func TestActDeliveryAndRecommendations(t *testing.T) {
	a := draft()
	a.AddRecommendation("айыл өкмөтү", "Насосту оңдоо.")
	a.AddRecommendation("«Суу» ишканасы", "Суунун сапатын текшерүү.")
	if err := a.Deliver(monitoring.ActDelivery{Addressee: "council", On: actDay("2026-11-10"), How: "колго", By: "катчы"}); err == nil {
		t.Error("a draft delivered")
	}
	a.Finalize(monitoring.ActNumber{Year: 2026, Seq: 1}, actDay("2026-11-05"))
	if got := a.Addressees(); len(got) != 4 {
		t.Errorf("addressees %v", got)
	}
	if err := a.Deliver(monitoring.ActDelivery{Addressee: "Прокуратура", On: actDay("2026-11-10"), How: "колго", By: "катчы"}); monitoring.ErrorCode(err) != monitoring.EINVALID {
		t.Errorf("delivered to a stranger: %v", err)
	}
	if err := a.Deliver(monitoring.ActDelivery{Addressee: "Айыл  Өкмөтү", On: actDay("2026-11-10"), How: "кат, кирүүчү № 45", By: "К. Ташиев"}); err != nil {
		t.Fatal(err)
	}
	if got := a.Undelivered(); len(got) != 3 {
		t.Errorf("undelivered %v", got)
	}
	r, err := a.Recommendation(1)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status(a.Deliveries) != monitoring.RecDelivered {
		t.Errorf("status %s", r.Status(a.Deliveries))
	}
	if err := r.Consider(monitoring.Consideration{By: "айыл өкмөтү", On: actDay("2026-11-20")}); err == nil || !strings.Contains(err.Error(), "7.6") {
		t.Errorf("considered without a reference: %v", err)
	}
	if err := r.Consider(monitoring.Consideration{By: "айыл өкмөтү", On: actDay("2026-11-20"), Ref: "буйрук № 12"}); err != nil || r.Status(a.Deliveries) != monitoring.RecConsidered {
		t.Errorf("considered: %v", err)
	}
	r3, _ := a.Recommendation(3)
	if err := r3.Decline(monitoring.Declination{On: actDay("2026-11-21")}); monitoring.ErrorCode(err) != monitoring.EINVALID {
		t.Errorf("declined without a reason: %v", err)
	}
	if err := r.CarryOut(monitoring.Fulfilment{On: actDay("2026-12-01")}); err != nil || r.Status(a.Deliveries) != monitoring.RecConsidered {
		t.Errorf("carried out: %v", err)
	}
	if err := a.Comment(monitoring.ActComment{Kind: monitoring.CommentObjection, From: "«Суу» ишканасы", Text: "Макул эмеспиз.", On: actDay("2026-11-15")}); err != nil {
		t.Error(err)
	}
}
