package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"bmjbt/storage/storagetest"
)

// The group's meetings from the command line (Regulation 3.4–3.7): the
// minutes are numbered per year, an election gives a role, the deputy
// signs only during the chair's recorded absence, three missed meetings
// allow a removal for absence and fewer refuse it, and the minutes print
// in the council's style with the presiding signature block.
func TestMeetingsMinutesAndAbsences(t *testing.T) {
	t.Parallel()
	for _, dialect := range storagetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			c := newSurveyCLI(t, dialect)
			c.ok("migrate")
			joined(t, c.env["DATABASE_URL"], "Г. Кандарова", "К. Султанова", "Э. Осмоналиев", "У. Жантаева", "К. Ташиев", "А. Мамытов")
			c.ok("member", "approve", "1", "2", "3", "4", "5", "6", "--decision", "12/5", "--date", "2025-10-14")
			mustContain(t, "no meetings", c.ok("meeting", "list"), "No meetings recorded yet")

			mustContain(t, "a meeting without an agenda", c.fails("meeting", "new", "--at", "2026-02-10 15:00"), "--agenda")
			mustContain(t, "a meeting at a wrong time", c.fails("meeting", "new", "--at", "10 февраля", "--agenda", "x"), "2026-02-10 15:00")
			out := c.ok("meeting", "new", "--at", "2026-02-10 15:00", "--place", "Масы айылы, айыл өкмөтү",
				"--agenda", "Төраганын орун басарын шайлоо", "--agenda", "Ичүүчү суу боюнча мониторингдин планы")
			mustContain(t, "the first meeting", out, "Recorded meeting 1: minutes № 1/2026", "All 6 members are listed as present")
			c.ok("meeting", "attend", "1", "--absent", "4", "--excused", "5=ооруп калды")
			mustContain(t, "elect a deputy", c.ok("meeting", "decide", "1", "--text", "Орун басарды шайлоо", "--for", "4", "--against", "0", "--abstained", "0",
				"--elects", "deputy", "--member", "2"), "elects deputy К. Султанова")
			if list := c.ok("member", "list"); !regexp.MustCompile(`К. Султанова\s+deputy`).MatchString(list) {
				t.Errorf("the elected deputy is not in the list:\n%s", list)
			}
			c.ok("meeting", "decide", "1", "--text", "Суу боюнча мониторингди март айында өткөрүү", "--for", "3", "--against", "1", "--abstained", "0")
			// Only those present vote, each once: four were present.
			mustContain(t, "more votes than members present", c.fails("meeting", "decide", "1", "--text", "x", "--for", "3", "--against", "2"), "5 votes counted, but 4 members were present")
			mustContain(t, "a negative vote", c.fails("meeting", "decide", "1", "--text", "x", "--for", "-1"), "votes are counts")

			// 3.6: the deputy signs only within a recorded absence of the chair.
			mustContain(t, "the deputy signs outside an absence", c.fails("meeting", "sign", "1", "--by", "2"), "Regulation 3.6")
			mustContain(t, "a member signs", c.fails("meeting", "sign", "1", "--by", "3"), "Regulation 3.6")
			mustContain(t, "an absence backwards", c.fails("meeting", "chair-absence", "--from", "2026-12-20", "--to", "2026-12-10"), "before it starts")
			c.ok("meeting", "chair-absence", "--from", "2026-01-01", "--to", "2099-12-31")
			mustContain(t, "the deputy signs within it", c.ok("meeting", "sign", "1", "--by", "2"), "signed by К. Султанова as acting chair")
			mustContain(t, "a signed meeting changed", c.fails("meeting", "attend", "1", "--present", "4"), "signed and stay as signed")

			pdfPath := filepath.Join(t.TempDir(), "minutes.pdf")
			mustContain(t, "the minutes", c.ok("meeting", "minutes", "1", "--out", pdfPath), "Wrote "+pdfPath)
			text := pdfText(t, pdfPath)
			mustContain(t, "the minutes PDF", text, "№ 1/2026 ПРОТОКОЛУ", "2026-жылдын 10-февралы", "саат 15:00",
				"Өткөрүлгөн жери: Масы", "Катышкандар (4)", "У. Жантаева", "ооруп калды",
				"Ичүүчү суу боюнча мониторингдин планы", "Шайланды: К. Султанова, төраганын орун басары.",
				"макул — 3, каршы — 1, калыс калды — 0", "Төраганын милдетин аткаруучу", "К. Султанова", "1.2. Ичүүчү суу", "2.1. Орун басарды шайлоо. Шайланды")
			if strings.Contains(text, "чатта кол коюлду") {
				t.Errorf("minutes signed on paper say they were signed in the chat:\n%s", text)
			}
			ru := filepath.Join(t.TempDir(), "minutes-ru.pdf")
			c.ok("meeting", "minutes", "1", "--lang", "ru", "--out", ru)
			mustContain(t, "the Russian minutes", pdfText(t, ru), "ПРОТОКОЛ № 1/2026", "Присутствовали (4)", "Исполняющий обязанности председателя")

			// The same minutes as a Word document for the clerk to edit:
			// the format follows the file's extension, or --format.
			dir := t.TempDir()
			docx := filepath.Join(dir, "minutes.docx")
			mustContain(t, "the DOCX minutes", c.ok("meeting", "minutes", "1", "--out", docx), "Wrote "+docx)
			data, err := os.ReadFile(docx)
			if err != nil {
				t.Fatal(err)
			}
			mustContain(t, "the minutes DOCX", docxText(t, data), "page 11906×16838", "№ 1/2026 ПРОТОКОЛУ", "2026-жылдын 10-февралы",
				"Өткөрүлгөн жери: Масы айылы, айыл өкмөтү.", "Катышкандар (4)", "ооруп калды", "1.2. Ичүүчү суу боюнча мониторингдин планы",
				"2.1. Орун басарды шайлоо. Шайланды: К. Султанова, төраганын орун басары.", "Добуш берүү: макул — 3, каршы — 1, калыс калды — 0.",
				"Төраганын милдетин аткаруучу | ____________________ | К. Султанова")
			noExt := filepath.Join(dir, "minutes-ru")
			c.ok("meeting", "minutes", "1", "--lang", "ru", "--format", "docx", "--out", noExt)
			if data, err = os.ReadFile(noExt); err != nil {
				t.Fatal(err)
			}
			mustContain(t, "the Russian minutes DOCX", docxText(t, data), "ПРОТОКОЛ № 1/2026", "Исполняющий обязанности председателя | ____________________ | К. Султанова")
			mustContain(t, "DOCX asked into a .pdf", c.fails("meeting", "minutes", "1", "--format", "docx", "--out", filepath.Join(dir, "m.pdf")), "--format docx does not match")
			mustContain(t, "PDF asked into a .docx", c.fails("meeting", "minutes", "1", "--format", "pdf", "--out", docx), "--format pdf does not match")
			mustContain(t, "an .odt file", c.fails("meeting", "minutes", "1", "--out", filepath.Join(dir, "m.odt")), "name the file .pdf or .docx")
			mustContain(t, "a format unknown", c.fails("meeting", "minutes", "1", "--format", "odt"), "write pdf or docx")

			// 3.4: removal for absence after three missed meetings.
			mustContain(t, "remove after one absence", c.fails("member", "remove", "4", "--reason", "absence"), "1 missed meetings are recorded", "--override")
			for _, day := range []string{"2026-03-10 15:00", "2026-04-10 15:00"} {
				c.ok("meeting", "new", "--at", day, "--agenda", "Кезектеги отурум")
			}
			c.ok("meeting", "attend", "2", "--absent", "4")
			c.ok("meeting", "attend", "3", "--absent", "4,5")
			list := c.ok("meeting", "list")
			if !regexp.MustCompile(`(?m)^3\s+3/2026\s+2026-04-10 15:00\s+4/6\s+0\s*$`).MatchString(list) {
				t.Errorf("meeting list:\n%s", list)
			}
			mustContain(t, "remove with two absences", c.fails("member", "remove", "5", "--reason", "absence"), "2 missed meetings")
			removed := c.ok("member", "remove", "4", "--reason", "absence")
			mustContain(t, "remove with three", removed, "У. Жантаева missed 3 meetings in this term (3 in a row)", "№ 1/2026", "№ 3/2026", "Removed У. Жантаева")
			mustContain(t, "override", c.ok("member", "remove", "5", "--reason", "absence", "--override", "өзү арыз жазды"), "Removed К. Ташиев")
			if !strings.Contains(c.ok("meeting", "list"), "К. Султанова") {
				t.Errorf("the signer is not listed")
			}
		})
	}
}
