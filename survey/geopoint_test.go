package survey_test

import (
	"testing"

	"bmjbt/survey"
)

// A place is typed as people type one and kept as ODK keeps it: "lat lon
// alt accuracy"; what is not a point on the Earth is no answer.
func TestGeopointIsReadAsTyped(t *testing.T) {
	q := &survey.Question{Type: survey.Geopoint, Name: "where"}
	for raw, want := range map[string]string{
		"42.87 74.59":          "42.87 74.59 0 0",
		"42,87 74,59":          "42.87 74.59 0 0",
		"42.87, 74.59":         "42.87 74.59 0 0",
		"42.87,74.59":          "42.87 74.59 0 0",
		"42,87,74,59":          "42.87 74.59 0 0",
		"42.87;74.59":          "42.87 74.59 0 0",
		" -33.9  151.2 ":       "-33.9 151.2 0 0",
		"42.87 74.59 1200 4.5": "42.87 74.59 1200 4.5",
		"90 180":               "90 180 0 0",
	} {
		if got, ok := survey.Normalize(q, raw); !ok || got != want {
			t.Errorf("%q: %q %v, want %q", raw, got, ok, want)
		}
	}
	for _, raw := range []string{"91 74", "42 181", "-90.5 0", "Бишкек", "42.87", "42.87 74.59 1200", "NaN 1", "1 2 3 4 5", "42.87 abc", "42,87"} {
		if got, ok := survey.Normalize(q, raw); ok {
			t.Errorf("%q taken as %q", raw, got)
		}
	}
	r := survey.NewRun(&survey.Form{Questions: []survey.Question{*q}}, nil, templateRun(t).Today)
	if p, err := r.Answer(&r.Form.Questions[0], "42,87 74,59", "ky"); p != nil || err != nil {
		t.Fatal(p, err)
	}
	if got := r.Shown("where", "ky"); got != "42.87 74.59" {
		t.Fatalf("shown %q", got)
	}
}
