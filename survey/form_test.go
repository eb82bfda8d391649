package survey_test

import (
	"reflect"
	"testing"

	"bmjbt/survey"
)

// A text falls back to Kyrgyz, then Russian, then the unnamed default,
// then any language: a resident never gets an empty prompt.
func TestTranslationsIn(t *testing.T) {
	for _, tc := range []struct {
		t    survey.Translations
		lang string
		want string
	}{
		{survey.Translations{"ky": "Ооба", "ru": "Да"}, "ru", "Да"},
		{survey.Translations{"ky": "Ооба", "ru": "Да"}, "en", "Ооба"},
		{survey.Translations{"ru": "Да", "default": "Yes"}, "ky", "Да"},
		{survey.Translations{"default": "Yes", "uz": "Ha"}, "ky", "Yes"},
		{survey.Translations{"uz": "Ha", "en": "Yes"}, "ky", "Yes"},
		{survey.Translations{"ky": ""}, "ky", ""},
		{survey.Translations{"ky": "-", "ru": "Да"}, "ky", "Да"}, // KoBo's "-" for a text left for later
		{nil, "ru", ""},
	} {
		if got := tc.t.In(tc.lang); got != tc.want {
			t.Errorf("%v.In(%q) = %q, want %q", tc.t, tc.lang, got, tc.want)
		}
	}
}

// What is stored at import reads back as the same form.
func TestFormForImport(t *testing.T) {
	f := survey.Template()
	rec, v, err := f.ForImport("sadyrbaev")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Municipality != "sadyrbaev" || rec.FormID != f.ID || rec.Title != f.Title || v.Version != f.Version {
		t.Fatalf("record %+v, version %q", rec, v.Version)
	}
	back, err := survey.LoadForm(*v)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(f, back) {
		t.Fatalf("loaded form differs:\n%+v\n%+v", f, back)
	}
	if _, err := survey.LoadForm(survey.Version{Form: []byte("{")}); err == nil {
		t.Fatal("a broken form loaded")
	}
	if q, ok := back.Question("household"); !ok || q.Type != survey.Integer {
		t.Fatalf("household: %+v %v", q, ok)
	}
	if _, ok := back.Question("nobody"); ok {
		t.Fatal("found a question that is not there")
	}
}
