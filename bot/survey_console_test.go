package bot

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
	"bmjbt/survey"
)

// Issue 13 on the console: no location to share, so a place is typed;
// Markdown reads as plain text; a read-only value shows like a note.
func TestSurveyOnTheConsole(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		e := NewEngine(testStore{db}, storagetest.Municipality(t), slog.New(slog.DiscardHandler))
		if err := db.InTx(ctx, func(tx *storage.Tx) error {
			r, err := tx.Resident(ctx, e.Muni.Code, monitoring.Console, "u1", "u1")
			if err != nil {
				return err
			}
			return tx.SetResidentLang(ctx, r.ID, monitoring.Kyrgyz)
		}); err != nil {
			t.Fatal(err)
		}
		c := &chat{t: t, db: db, e: e}
		c.expect("/subscribe", "Кайсы айылда жашайсыз?")
		c.expect("1", "Макулдугуңуз сакталды")

		f, err := survey.ReadYAML(strings.NewReader(`
settings: {form_id: geo, title: Жол}
questions:
  - {type: note, name: intro, label: {ky: "# Саламатсызбы!\n**Маанилүү** [сайт](https://example.kg)", ru: "Здравствуйте!"}}
  - {type: geopoint, name: pit, label: {ky: "Чуңкур кайда?", ru: "Где яма?"}}
  - {type: text, name: where, label: {ky: "Жайгашкан жер:", ru: "Место:"}, calculation: "${pit}", read_only: yes}
  - {type: text, name: more, label: {ky: "Дагы эмне?", ru: "Что ещё?"}}
`))
		if err != nil {
			t.Fatal(err)
		}
		rec, v, err := f.ForImport(e.Muni.Code)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.ImportSurvey(ctx, rec, v); err != nil {
			t.Fatal(err)
		}
		if *rec, err = db.MoveSurvey(ctx, e.Muni.Code, rec.ID, survey.Open); err != nil {
			t.Fatal(err)
		}
		subs, err := db.Subscribers(ctx, e.Muni.Code, nil)
		if err != nil || len(subs) != 1 {
			t.Fatalf("subscribers %v, %v", subs, err)
		}
		if _, err := db.Invite(ctx, e.Muni.Code, rec.ID, []survey.Invitation{{Channel: "console", Payload: []byte(`{}`), Residents: subs}}); err != nil {
			t.Fatal(err)
		}
		c.expect("/survey", "Саламатсызбы!\nМаанилүү сайт (https://example.kg)")
		c.expect("1", "Чуңкур кайда?", "Координаттарды жазыңыз (кеңдик жана узундук)")
		c.expect("42,87 200", "Бул координаттарга окшобойт", "Чуңкур кайда?")
		c.expect("42,87 74,59", "Жайгашкан жер:\n42.87 74.59")
		c.expect("1", "Дагы эмне?")
		c.expect("жок", "Жоопторуңуз сакталды")
		var got survey.Response
		if err := db.EachResponse(ctx, rec.ID, func(r survey.Response) error { got = r; return nil }); err != nil {
			t.Fatal(err)
		}
		if got.Answers["pit"].Value != "42.87 74.59 0 0" || got.Answers["where"].Value != "42.87 74.59 0 0" {
			t.Fatalf("answers %+v", got.Answers)
		}
	})
}
