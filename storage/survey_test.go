package storage_test

import (
	"context"
	"testing"

	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
	"bmjbt/survey"
)

// Consent is a log whose latest row decides (5.6: only those who agreed
// are asked); subscribers are found by village.
func TestConsentDecidesWhoIsAsked(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		m := storagetest.Municipality(t)
		var ids []int64
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			for i, v := range []string{"masy", "aral", "masy"} {
				r, err := tx.Resident(ctx, m.Code, monitoring.Telegram, string(rune('a'+i)), string(rune('a'+i)))
				if err != nil {
					return err
				}
				ids = append(ids, r.ID)
				if err := tx.SetConsent(ctx, m.Code, monitoring.Consent{ResidentID: r.ID, Given: true, How: "subscribe", Village: v}); err != nil {
					return err
				}
			}
			// The third says /stop: honoured at once.
			return tx.SetConsent(ctx, m.Code, monitoring.Consent{ResidentID: ids[2], Given: false, How: "stop", Village: "masy"})
		})
		if err != nil {
			t.Fatal(err)
		}
		subs, err := db.Subscribers(ctx, m.Code, []string{"masy"})
		if err != nil || len(subs) != 1 || subs[0].ID != ids[0] || subs[0].Village != "masy" {
			t.Fatalf("subscribers in masy = %+v, %v; want the first only", subs, err)
		}
		if all, _ := db.Subscribers(ctx, m.Code, nil); len(all) != 2 {
			t.Fatalf("all subscribers = %+v", all)
		}
		db.InTx(ctx, func(tx *storage.Tx) error {
			c, err := tx.Consent(ctx, ids[2])
			if err != nil || c.Given || c.How != "stop" {
				t.Fatalf("consent after /stop = %+v, %v", c, err)
			}
			if c, _ := tx.Consent(ctx, 99999); c.Given {
				t.Fatal("someone never asked counts as agreeing")
			}
			return nil
		})
	})
}

// A survey is imported as a draft, re-imported as a new version, moved
// through its states; a resident answers once; field mode counts groups.
func TestSurveyVersionsStatesAndResponses(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		m := storagetest.Municipality(t)
		rec := survey.Record{Municipality: m.Code, FormID: "water2026", Title: "Суу", Sampling: survey.Sampling{Method: "random sample", Villages: []string{"masy", "aral"}, Planned: 100}}
		v1 := survey.Version{Version: "1", Form: []byte(`{"questions":[]}`)}
		if err := db.ImportSurvey(ctx, &rec, &v1); err != nil {
			t.Fatal(err)
		}
		if rec.State != survey.Draft || rec.ID == 0 || v1.SurveyID != rec.ID {
			t.Fatalf("imported %+v %+v", rec, v1)
		}
		again := survey.Record{Municipality: m.Code, FormID: "water2026", Title: "ignored"}
		v2 := survey.Version{Version: "2", Form: []byte(`{"questions":[1]}`)}
		if err := db.ImportSurvey(ctx, &again, &v2); err != nil || again.ID != rec.ID || again.Title != "Суу" {
			t.Fatalf("re-import: %+v, %v", again, err)
		}
		if latest, err := db.LatestVersion(ctx, rec.ID); err != nil || latest.ID != v2.ID || string(latest.Form) != `{"questions":[1]}` {
			t.Fatalf("latest version %+v, %v", latest, err)
		}
		if _, err := db.MoveSurvey(ctx, m.Code, rec.ID, survey.Paused); monitoring.ErrorCode(err) != monitoring.ECONFLICT {
			t.Fatalf("a draft paused: %v", err)
		}
		for _, st := range []survey.State{survey.Open, survey.Paused, survey.Open} {
			if got, err := db.MoveSurvey(ctx, m.Code, rec.ID, st); err != nil || got.State != st {
				t.Fatalf("move to %s: %+v, %v", st, got, err)
			}
		}
		got, err := db.Survey(ctx, m.Code, rec.ID)
		if err != nil || got.Sampling.Planned != 100 || len(got.Sampling.Villages) != 2 {
			t.Fatalf("survey %+v, %v", got, err)
		}

		err = db.InTx(ctx, func(tx *storage.Tx) error {
			res, err := tx.Resident(ctx, m.Code, monitoring.Telegram, "u1", "u1")
			if err != nil {
				return err
			}
			r := survey.Response{SurveyID: rec.ID, VersionID: v2.ID, ResidentID: res.ID, Channel: "telegram", Village: "masy"}
			if err := tx.StartResponse(ctx, m.Code, &r); err != nil {
				return err
			}
			second := r
			if err := tx.StartResponse(ctx, m.Code, &second); monitoring.ErrorCode(err) != monitoring.ECONFLICT {
				t.Fatalf("a second response by the same resident: %v", err)
			}
			r.Answers["q1"] = survey.Answer{Value: "3", Asked: true}
			r.Answers["q2"] = survey.Answer{Asked: false}
			if err := tx.SaveAnswers(ctx, r.ID, r.Answers, true); err != nil {
				return err
			}
			for range 2 { // a member records two focus groups
				f := survey.Response{SurveyID: rec.ID, VersionID: v1.ID, MemberID: 0, GroupSize: 9, Channel: "field"}
				if err := tx.StartResponse(ctx, m.Code, &f); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		begun, complete, err := db.CountResponses(ctx, rec.ID)
		if err != nil || begun != 3 || complete != 1 {
			t.Fatalf("responses begun %d, complete %d, %v", begun, complete, err)
		}
		var seen []survey.Response
		if err := db.EachResponse(ctx, rec.ID, func(r survey.Response) error { seen = append(seen, r); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(seen) != 3 || !seen[0].Complete() || seen[0].Answers["q1"].Value != "3" || seen[0].Answers["q2"].Asked || seen[1].GroupSize != 9 || seen[0].UUID == seen[1].UUID {
			t.Fatalf("responses %+v", seen)
		}
		if _, err := db.MoveSurvey(ctx, m.Code, rec.ID, survey.Closed); err != nil {
			t.Fatal(err)
		}
		closed := survey.Record{Municipality: m.Code, FormID: "water2026"}
		if err := db.ImportSurvey(ctx, &closed, &survey.Version{Version: "3", Form: []byte(`{}`)}); monitoring.ErrorCode(err) != monitoring.ECONFLICT {
			t.Fatalf("a new version of a closed survey: %v", err)
		}
	})
}

// A launch invites each subscriber once, as campaigns per channel and
// language; launching again reaches only new subscribers; the one
// reminder goes to those who have not finished and still agree.
func TestInvitationsAndTheOneReminder(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		m := storagetest.Municipality(t)
		rec := survey.Record{Municipality: m.Code, FormID: "roads"}
		v := survey.Version{Version: "1", Form: []byte(`{}`)}
		if err := db.ImportSurvey(ctx, &rec, &v); err != nil {
			t.Fatal(err)
		}
		agree := func(ref string) {
			t.Helper()
			err := db.InTx(ctx, func(tx *storage.Tx) error {
				r, err := tx.Resident(ctx, m.Code, monitoring.Telegram, ref, ref)
				if err != nil {
					return err
				}
				return tx.SetConsent(ctx, m.Code, monitoring.Consent{ResidentID: r.ID, Given: true, How: "subscribe", Village: "masy"})
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		for _, ref := range []string{"a", "b", "c"} {
			agree(ref)
		}
		subs, _ := db.Subscribers(ctx, m.Code, nil)
		launch := func(subs []survey.Subscriber) int {
			t.Helper()
			n, err := db.Invite(ctx, m.Code, rec.ID, []survey.Invitation{
				{Channel: "telegram", Payload: []byte(`{"text":"ky"}`), Residents: subs[:1]},
				{Channel: "telegram", Payload: []byte(`{"text":"ru"}`), Residents: subs[1:]},
			})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := launch(subs); n != 3 {
			t.Fatalf("invited %d, want 3", n)
		}
		agree("d")
		subs, _ = db.Subscribers(ctx, m.Code, nil)
		if n := launch(subs); n != 1 {
			t.Fatalf("launched again: invited %d, want only the new subscriber", n)
		}
		if queued, err := db.FeedCampaigns(ctx, m.Code, 500, 500); err != nil || queued != 4 {
			t.Fatalf("queued %d invitations (%v), want 4", queued, err)
		}

		// a finished; b said /stop; c and d are reminded, once.
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			if ok, err := tx.Invited(ctx, rec.ID, subs[0].ID); err != nil || !ok {
				t.Fatalf("a invited = %v, %v", ok, err)
			}
			r := survey.Response{SurveyID: rec.ID, VersionID: v.ID, ResidentID: subs[0].ID, Channel: "telegram"}
			if err := tx.StartResponse(ctx, m.Code, &r); err != nil {
				return err
			}
			if err := tx.SaveAnswers(ctx, r.ID, r.Answers, true); err != nil {
				return err
			}
			return tx.SetConsent(ctx, m.Code, monitoring.Consent{ResidentID: subs[1].ID, Given: false, How: "stop"})
		})
		if err != nil {
			t.Fatal(err)
		}
		due, err := db.ToRemind(ctx, m.Code, rec.ID)
		if err != nil || len(due) != 2 || due[0].ID != subs[2].ID || due[1].ID != subs[3].ID {
			t.Fatalf("to remind: %+v, %v; want c and d", due, err)
		}
		if n, err := db.Remind(ctx, m.Code, rec.ID, []survey.Invitation{{Channel: "telegram", Payload: []byte(`{}`), Residents: due}}); err != nil || n != 2 {
			t.Fatalf("reminded %d, %v", n, err)
		}
		if due, _ := db.ToRemind(ctx, m.Code, rec.ID); len(due) != 0 {
			t.Fatalf("reminded twice: %+v", due)
		}
	})
}

// A group asked together is one record beside its response (5.6): the
// kind follows its size, the response stands for its people, a focus
// group of 7 is refused as such, and the list tells a finished record.
func TestGatheringsBesideTheirResponse(t *testing.T) {
	t.Parallel()
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		m := storagetest.Municipality(t)
		rec := survey.Record{Municipality: m.Code, FormID: "groups"}
		v := survey.Version{Version: "1", Form: []byte(`{}`)}
		if err := db.ImportSurvey(ctx, &rec, &v); err != nil {
			t.Fatal(err)
		}
		var member monitoring.Member
		var ids []int64
		err := db.InTx(ctx, func(tx *storage.Tx) error {
			if _, err := tx.CreateInvite(ctx, m.Code, "code-1", monitoring.Secretary, "А. Осмонова", "operator"); err != nil {
				return err
			}
			var err error
			if member, err = tx.Join(ctx, m.Code, "code-1", "telegram", "7", "7"); err != nil {
				return err
			}
			for i, n := range []int{10, 5} {
				r := survey.Response{SurveyID: rec.ID, VersionID: v.ID, MemberID: member.ID, Channel: "field", Village: "masy"}
				if err := tx.StartResponse(ctx, m.Code, &r); err != nil {
					return err
				}
				g := survey.Gathering{SurveyID: rec.ID, ResponseID: r.ID, Kind: survey.KindOf(n), HeldOn: "2026-03-01", Place: "Мектеп",
					Topic: "Суу", People: n, RecordedBy: member.ID}
				if i == 0 {
					g.ModeratorID, g.Moderator = member.ID, member.Name
				} else {
					g.Moderator, g.Notes = "Т. Жумабаева", "Жамааттык борбордо"
				}
				if err := tx.AddGathering(ctx, m.Code, &g); err != nil {
					return err
				}
				ids = append(ids, r.ID)
			}
			bad := survey.Gathering{SurveyID: rec.ID, ResponseID: ids[0], Kind: survey.FocusGroup, HeldOn: "2026-03-01", Place: "x", Topic: "y", People: 7, RecordedBy: member.ID}
			if err := tx.AddGathering(ctx, m.Code, &bad); monitoring.ErrorCode(err) != monitoring.EINVALID {
				t.Errorf("a focus group of 7 kept: %v", err)
			}
			return tx.SaveAnswers(ctx, ids[0], map[string]survey.Answer{}, true)
		})
		if err != nil {
			t.Fatal(err)
		}
		gs, err := db.Gatherings(ctx, rec.ID)
		if err != nil || len(gs) != 2 {
			t.Fatalf("gatherings %+v, %v", gs, err)
		}
		if g := gs[0]; g.Kind != survey.FocusGroup || g.People != 10 || g.ModeratorID != member.ID || g.Moderator != "А. Осмонова" || !g.Complete || g.Village != "masy" || g.HeldOn != "2026-03-01" {
			t.Errorf("the focus group %+v", g)
		}
		if g := gs[1]; g.Kind != survey.Discussion || g.People != 5 || g.ModeratorID != 0 || g.Moderator != "Т. Жумабаева" || g.Complete || g.Notes != "Жамааттык борбордо" {
			t.Errorf("the discussion %+v", g)
		}
		var sizes []int
		db.EachResponse(ctx, rec.ID, func(r survey.Response) error { sizes = append(sizes, r.GroupSize); return nil })
		if len(sizes) != 2 || sizes[0] != 10 || sizes[1] != 5 {
			t.Errorf("responses stand for %v people, want [10 5]", sizes)
		}
	})
}
