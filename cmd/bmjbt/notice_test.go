package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"bmjbt/storage/storagetest"
)

// 5.2 and 8: a survey on an object is launched only after its stakeholders
// were told (or with the reason why not, printed in the results); the
// notice prints as a letter signed by the presiding member; events that
// change results (8.3) and conflicts of interest (8.4) are logged.
func TestNoticeBeforeMonitoring(t *testing.T) {
	t.Parallel()
	for _, dialect := range storagetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			c := newSurveyCLI(t, dialect)
			c.ok("migrate")
			joined(t, c.env["DATABASE_URL"], "Г. Кандарова", "К. Султанова")
			mustContain(t, "notices of the example config", c.ok("notice", "list"),
				"project:kensai-pump (local-budget): 5.2 notice required")

			form := filepath.Join(t.TempDir(), "form.yaml")
			c.ok("survey", "template", "--yaml", "--out", form)
			c.ok("survey", "import", form)
			mustContain(t, "an unknown object", c.fails("survey", "set", "1", "--object", "project:nowhere"), "not a service, project or provider")
			c.ok("survey", "set", "1", "--object", "project:kensai-pump")
			mustContain(t, "survey show", c.ok("survey", "show", "1"), "Monitors:      project:kensai-pump (Кен-Сай суу насос станциясы)", "5.2 notice required")
			c.ok("survey", "open", "1")
			mustContain(t, "a launch without a notice", c.fails("survey", "launch", "1"), "no notice to the stakeholders of project:kensai-pump", "Regulation 5.2", "--without-notice")

			mustContain(t, "a notice without its methods", c.fails("notice", "new", "--object", "project:kensai-pump", "--to", "Суу чарба башкармалыгы", "--sent", "2026-02-01"),
				"procedure, methods, aims and tasks")
			mustContain(t, "a notice", c.ok("notice", "new", "--object", "project:kensai-pump", "--to", "Жалал-Абад суу чарба башкармалыгы",
				"--procedure", "Февраль-март айларында үч жолу барып көрүү", "--methods", "Анкета, түз байкоо, документтерди карап чыгуу",
				"--aims", "Суу менен камсыздоонун сапатын баалоо", "--tasks", "Тургундардын пикирин чогултуу", "--sent", "2026-02-01", "--how", "кат"),
				"Recorded notice 1: № 1/2026")
			mustContain(t, "the launch after the notice", c.ok("survey", "launch", "1"), "Survey 1")
			mustContain(t, "survey show after the notice", c.ok("survey", "show", "1"), "Notice:        № 1/2026 of 2026-02-01")

			pdf := filepath.Join(t.TempDir(), "notice.pdf")
			c.ok("notice", "print", "1", "--out", pdf)
			mustContain(t, "the notice PDF", pdfText(t, pdf), "№ 1/2026 КАБАРЛАМАСЫ", "Кимге: Жалал-Абад суу чарба башкармалыгы",
				"Кен-Сай суу насос станциясы", "Ыкмалары", "Анкета, түз байкоо", "Төрага", "Г. Кандарова", "2026-жылдын 1-февралы")
			ru := filepath.Join(t.TempDir(), "notice-ru.pdf")
			c.ok("notice", "print", "1", "--lang", "ru", "--out", ru)
			mustContain(t, "the Russian notice", pdfText(t, ru), "УВЕДОМЛЕНИЕ № 1/2026", "Водонасосная станция Кен-Сай", "Председатель")
			docx := filepath.Join(t.TempDir(), "notice.docx")
			c.ok("notice", "print", "1", "--out", docx)
			data, err := os.ReadFile(docx)
			if err != nil {
				t.Fatal(err)
			}
			mustContain(t, "the notice DOCX", docxText(t, data), "№ 1/2026 КАБАРЛАМАСЫ", "Ыкмалары", "Г. Кандарова", "page 11906×16838")

			// A second survey on another object, launched without a notice for a reason.
			other := filepath.Join(t.TempDir(), "other.yaml")
			writeRenamedForm(t, form, other, "roads_check")
			c.ok("survey", "import", other)
			c.ok("survey", "set", "2", "--object", "provider:dep")
			c.ok("survey", "open", "2")
			c.ok("survey", "launch", "2", "--without-notice", "Жол бузулганы тууралуу шашылыш арыздар")
			mustContain(t, "survey show with a waiver", c.ok("survey", "show", "2"), "launched without one because: Жол бузулганы")
			results := filepath.Join(t.TempDir(), "results.pdf")
			c.ok("survey", "results", "2", "--format", "pdf", "--out", results)
			mustContain(t, "the results with a waiver", pdfText(t, results), "кабарлама жөнөтүлгөн жок", "Жол бузулганы")

			mustContain(t, "8.3 logged", c.ok("notice", "log", "--kind", "change", "--object", "provider:dep", "--to", "ДЭП", "--text", "Жол оңдоо мөөнөтү жылдырылды", "--sent", "2026-03-01"),
				"Logged communication 2 (change)")
			mustContain(t, "8.4 needs a text", c.fails("notice", "log", "--kind", "conflict", "--object", "provider:dep", "--to", "ДЭП", "--sent", "2026-03-02"), "--text")
			mustContain(t, "a wrong kind", c.fails("notice", "log", "--kind", "gossip", "--object", "provider:dep", "--to", "x", "--text", "y", "--sent", "2026-03-02"), "before (5.2, 8.2), change (8.3), conflict (8.4)")
			mustContain(t, "the log", c.ok("notice", "list", "--object", "provider:dep"), "change", "Жол оңдоо мөөнөтү жылдырылды")
		})
	}
}

// writeRenamedForm copies a YAML form under another form_id: a second survey.
func writeRenamedForm(t *testing.T, from, to, formID string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, bytes.Replace(data, []byte("example_survey"), []byte(formID), 1), 0o600); err != nil {
		t.Fatal(err)
	}
}
