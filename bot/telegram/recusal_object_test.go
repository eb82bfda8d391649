package telegram_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
	"bmjbt/survey"
)

// 6.3: a member related to a provider declares it once, and then neither
// launches nor records answers for a survey of the service it provides; a
// conflict with one survey is declared on that survey alone.
func TestRecusedMemberNeitherLaunchesNorRecordsTheSurvey(t *testing.T) {
	t.Parallel()
	storagetest.SQLiteOnly(t, func(t *testing.T, db *storage.DB) {
		s := newStack(t, db, newFake(t), defaultOpts(), fast).start()
		secretary := s.member(t, 3001, monitoring.Secretary, "К. Султанова")
		chair := s.member(t, 3002, monitoring.Chair, "Г. Кандарова")
		rec := launchForm(t, s, survey.Template())
		rec.Object = "water"
		if err := s.db.UpdateSurvey(context.Background(), rec); err != nil {
			t.Fatal(err)
		}

		secretary.Say("/recuse")
		menu := secretary.Expect(t, "Кайсы кызмат, долбоор же уюм боюнча")
		if labels := strings.Join(menu.Labels(), "|"); !strings.Contains(labels, "Жалал-Абад суу чарба башкармалыгы") || !strings.Contains(labels, "Кен-Сай суу насос станциясы") {
			t.Fatalf("the recusal menu lacks the providers and projects of the config: %q", labels)
		}
		toggle(t, s, secretary, "Жалал-Абад суу чарба башкармалыгы", "✓ Жалал-Абад суу чарба башкармалыгы")
		secretary.Press(t, "Даяр")

		secretary.Say("/launch 1")
		secretary.Expect(t, "кызыкчылыктардын кагылышын билдиргенсиз")
		secretary.Say("/field 1")
		secretary.Expect(t, "кызыкчылыктардын кагылышын билдиргенсиз")

		// The chair declares a conflict with this survey alone, then withdraws it.
		chair.Say("/recuse сурамжылоо 1")
		chair.Expect(t, "№ 1 сурамжылоого катышпайсыз")
		chair.Say("/launch 1")
		chair.Expect(t, "кызыкчылыктардын кагылышын билдиргенсиз")
		chair.Say("/recuse сурамжылоо 1")
		chair.Expect(t, "жокко чыгарылды")
		chair.Say("/recuse сурамжылоо 99")
		chair.Expect(t, "Мындай жазыңыз: /recuse сурамжылоо")
		// 5.2: the water's stakeholders were not told yet.
		chair.Say("/launch 1")
		chair.Expect(t, "кызыкдар тараптарга кабарлама жөнөтүлүп, ал жазылышы керек (Жобонун 5.2-пункту)")
		ctx := context.Background()
		if err := s.db.InTx(ctx, func(tx *storage.Tx) error {
			return tx.AddNotice(ctx, &monitoring.Notice{Municipality: s.muni.Code, Kind: monitoring.NoticeBefore, Object: "water",
				Recipients: "Суу чарба башкармалыгы", Procedure: "Анкета", Methods: "Сурамжылоо", Aims: "Баалоо", Tasks: "Пикир чогултуу",
				SentOn: time.Now().AddDate(0, 0, -1)})
		}); err != nil {
			t.Fatal(err)
		}
		chair.Say("/launch 1")
		chair.Expect(t, "сурамжылоосу таратылды")
	})
}
