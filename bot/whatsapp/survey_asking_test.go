package whatsapp_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types/events"
	"google.golang.org/protobuf/proto"

	"bmjbt/bot"
	"bmjbt/catalog"
	"bmjbt/monitoring"
	"bmjbt/storage"
	"bmjbt/storage/storagetest"
	"bmjbt/survey"
)

// Issue 13 on WhatsApp: a place is a location message or typed "lat lon".
func TestSurveyPlaceOnWhatsApp(t *testing.T) {
	t.Parallel()
	storagetest.SQLiteOnly(t, func(t *testing.T, db *storage.DB) {
		s := run(t, db, nil)
		ctx := context.Background()
		u := s.fake.user("996555000851")
		u.say(t, "Салам")
		u.expect(t, "Тилди тандаңыз")
		u.say(t, "1")
		u.expect(t, "Көйгөй кайсы айылда?")
		u.say(t, "/cancel")
		u.say(t, "/subscribe")
		u.expect(t, "Сурамжылоолор айылдар боюнча")
		u.say(t, "1")
		u.expect(t, "Макулдугуңуз сакталды")

		f, err := survey.ReadYAML(strings.NewReader(`
settings: {form_id: geo, title: Жол}
questions:
  - {type: note, name: intro, label: {ky: "Саламатсызбы!", ru: "Здравствуйте!"}}
  - {type: geopoint, name: pit, label: {ky: "**Чуңкур** кайда?", ru: "**Где** яма?"}}
  - {type: geopoint, name: lamp, label: {ky: "Шам кайда?", ru: "Где фонарь?"}}
`))
		if err != nil {
			t.Fatal(err)
		}
		rec, v, err := f.ForImport(s.muni.Code)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.ImportSurvey(ctx, rec, v); err != nil {
			t.Fatal(err)
		}
		if *rec, err = db.MoveSurvey(ctx, s.muni.Code, rec.ID, survey.Open); err != nil {
			t.Fatal(err)
		}
		subs, err := db.Subscribers(ctx, s.muni.Code, nil)
		if err != nil {
			t.Fatal(err)
		}
		payload, _ := json.Marshal(bot.SurveyInvitation(catalog.Default(), monitoring.Kyrgyz, *rec, false))
		if _, err := db.Invite(ctx, s.muni.Code, rec.ID, []survey.Invitation{{Channel: "whatsapp", Payload: payload, Residents: subs}}); err != nil {
			t.Fatal(err)
		}
		u.expect(t, "«Жол»")
		u.say(t, "1")
		u.expect(t, "Саламатсызбы!")
		u.say(t, "1")
		m := u.expect(t, "Чуңкур кайда?")
		if !strings.Contains(m, "📎 аркылуу") {
			t.Fatalf("the question says how to answer it: %q", m)
		}
		loc := &events.Message{Info: u.info(), Message: &waE2E.Message{LocationMessage: &waE2E.LocationMessage{
			DegreesLatitude: proto.Float64(41.2), DegreesLongitude: proto.Float64(72.9)}}}
		if !s.fake.emit(loc) {
			t.Fatal("the adapter did not take the location")
		}
		u.expect(t, "Шам кайда?")
		u.say(t, "41.3 200")
		u.expect(t, "Бул координаттарга окшобойт")
		u.say(t, "41,3 72,95")
		u.expect(t, "Жоопторуңуз сакталды")
		var got survey.Response
		if err := db.EachResponse(ctx, rec.ID, func(r survey.Response) error { got = r; return nil }); err != nil {
			t.Fatal(err)
		}
		if got.Answers["pit"].Value != "41.2 72.9 0 0" || got.Answers["lamp"].Value != "41.3 72.95 0 0" {
			t.Fatalf("places kept as %q and %q", got.Answers["pit"].Value, got.Answers["lamp"].Value)
		}
	})
}
