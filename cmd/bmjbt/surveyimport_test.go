package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"bmjbt/storage/storagetest"
)

// Issue 13: a KoBo form with an optional photo is imported with
// --skip-unsupported, the photo left out and named with its sheet and
// row; without the flag the refusal says the flag; a required photo is
// refused even with it.
func TestSurveyImportSkipsUnsupported(t *testing.T) {
	t.Parallel()
	for _, dialect := range storagetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			c := newSurveyCLI(t, dialect)
			dir := t.TempDir()
			form := func(name, photoRequired string) string {
				path := filepath.Join(dir, name+".xlsx")
				writeXLSX(t, path,
					"survey", [][]any{waterHeader,
						{"note", "intro", "Саламатсызбы! Бул суу тууралуу кыска сурамжылоо.", "Здравствуйте! Это короткий опрос о воде."},
						{"select_one yes_no", "uses_water", "Суу түтүгүн колдоносузбу?", "Пользуетесь водопроводом?", "yes"},
						{"photo", "tap_photo", "Крандын сүрөтү", "Фото крана", photoRequired},
						{"audio", "voice", "Үн кабар", "Голосовое сообщение"},
						{"text", "comment", "Дагы эмне айтасыз?", "Что ещё скажете?"},
					},
					"choices", waterChoices,
					"settings", [][]any{{"form_id", "form_title", "version"}, {name, "Суу", "1"}})
				return path
			}
			optional := form("water_photo", "")
			errs := c.fails("survey", "import", optional)
			mustContain(t, "import of a form with media", errs,
				"\n  survey sheet, row 4, column A \"type\": \"photo\" questions are not supported yet",
				"\n  survey sheet, row 5, column A \"type\": \"audio\" questions are not supported yet",
				"import again with --skip-unsupported")

			out := c.ok("survey", "import", "--skip-unsupported", optional)
			mustContain(t, "import with --skip-unsupported", out,
				`survey sheet, row 4, column A "type": the photo question "tap_photo" is left out`,
				`survey sheet, row 5, column A "type": the audio question "voice" is left out`,
				"(form water_photo, version 1, 3 questions)")
			if show := c.ok("survey", "show", "1"); strings.Contains(show, "tap_photo") {
				t.Errorf("the photo is still in the form:\n%s", show)
			}

			required := form("water_required", "yes")
			errs = c.fails("survey", "import", "--skip-unsupported", required)
			mustContain(t, "a required photo with --skip-unsupported", errs,
				`survey sheet, row 4, column A "type": the photo question "tap_photo" is required, so it cannot be left out`)
			if strings.Contains(errs, `"voice"`) {
				t.Errorf("the optional audio question is refused too:\n%s", errs)
			}
		})
	}
}

// survey show says what a trigger, a default and read_only do to a question.
func TestSurveyShowTriggerAndReadOnly(t *testing.T) {
	t.Parallel()
	c := newSurveyCLI(t, storagetest.Dialects[0])
	path := filepath.Join(t.TempDir(), "t.yaml")
	if err := os.WriteFile(path, []byte(`settings: {form_id: t, title: T}
questions:
  - {type: note, name: intro, label: {ky: "Саламатсызбы!", ru: "Здравствуйте!"}}
  - {type: integer, name: people, label: {ky: "Канча?", ru: "Сколько?"}, default: "3"}
  - {type: integer, name: liters, label: {ky: "Литр?", ru: "Литров?"}, calculation: "${people} * 10", trigger: "${people}"}
  - {type: text, name: total, label: {ky: "Бардыгы", ru: "Всего"}, calculation: "${liters}", read_only: yes}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	c.ok("survey", "import", path)
	mustContain(t, "survey show", c.ok("survey", "show", "1"),
		"2. people  (integer)", "default: 3", "3. liters  (integer)", "trigger: ${people}", "4. total  (text, read only)")
}
