package catalog_test

import (
	"strings"
	"testing"
	"time"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// Every message a resident can see must exist in both Kyrgyz and Russian.
func TestKyrgyzAndRussianHaveTheSameMessages(t *testing.T) {
	c := catalog.Default()
	ky, ru := c.IDs(monitoring.Kyrgyz), c.IDs(monitoring.Russian)
	if len(ky) < 50 {
		t.Fatalf("only %d Kyrgyz messages loaded", len(ky))
	}
	for id := range ky {
		if !ru[id] {
			t.Errorf("%q is in ky.yaml but not in ru.yaml", id)
		}
	}
	for id := range ru {
		if !ky[id] {
			t.Errorf("%q is in ru.yaml but not in ky.yaml", id)
		}
	}
}

func TestDatesReadAsInTheDecisions(t *testing.T) {
	c := catalog.Default()
	d := time.Date(2025, 10, 13, 20, 0, 0, 0, time.UTC) // 14 October, 02:00 in Bishkek
	for lang, want := range map[monitoring.Lang]string{
		monitoring.Kyrgyz:  "2025-жылдын 14-октябры",
		monitoring.Russian: "14 октября 2025 г.",
		monitoring.English: "14 October 2025",
	} {
		if got := c.Date(lang, d); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
}

// A time of day takes no suffix: «саат 15:32», «в 15:32».
func TestDateTimesReadAsInTheGlossary(t *testing.T) {
	c := catalog.Default()
	d := time.Date(2025, 10, 14, 9, 32, 0, 0, time.UTC) // 15:32 in Bishkek
	for lang, want := range map[monitoring.Lang]string{
		monitoring.Kyrgyz:  "2025-жылдын 14-октябры, саат 15:32",
		monitoring.Russian: "14 октября 2025 г. в 15:32",
		monitoring.English: "14 October 2025 15:32",
	} {
		if got := c.DateTime(lang, d); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
}

// Documents write the year out in Russian: «14 октября 2025 года».
func TestDocumentDatesReadAsInTheDecisions(t *testing.T) {
	c := catalog.Default()
	d := time.Date(2025, 10, 13, 20, 0, 0, 0, time.UTC) // 14 October, 02:00 in Bishkek
	for lang, want := range map[monitoring.Lang]string{
		monitoring.Kyrgyz:  "2025-жылдын 14-октябры",
		monitoring.Russian: "14 октября 2025 года",
		monitoring.English: "14 October 2025",
	} {
		if got := c.DocumentDate(lang, d); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
}

func TestPluralsAndTemplates(t *testing.T) {
	c := catalog.Default()
	ru1 := c.N(monitoring.Russian, "submitted", 1, catalog.Args{"Number": "2025-0001"})
	ru14 := c.N(monitoring.Russian, "submitted", 14, catalog.Args{"Number": "2025-0001"})
	if !strings.Contains(ru1, "1 дня") || !strings.Contains(ru14, "14 дней") || !strings.Contains(ru14, "№ 2025-0001") {
		t.Fatalf("ru plurals: %q / %q", ru1, ru14)
	}
	ky := c.N(monitoring.Kyrgyz, "submitted", 14, catalog.Args{"Number": "2025-0001"})
	if !strings.Contains(ky, "14 күндүн") {
		t.Fatalf("ky: %q", ky)
	}
	if got := c.T("xx", "button.send", nil); got != "Жөнөтүү" {
		t.Fatalf("unknown language falls back to %q, want Kyrgyz", got)
	}
}

// Every method of 5.6, act state and recommendation status has its words
// in both languages: an act shows them, never the codes.
func TestActWordsForEveryCode(t *testing.T) {
	c := catalog.Default()
	var ids []string
	for _, m := range monitoring.Methods {
		ids = append(ids, "act.method."+string(m))
	}
	for _, s := range []monitoring.ActState{monitoring.ActDraft, monitoring.ActSent, monitoring.ActFinal, monitoring.ActWithdrawn} {
		ids = append(ids, "act.state."+string(s))
	}
	for _, s := range []monitoring.RecStatus{monitoring.RecNotDelivered, monitoring.RecDelivered, monitoring.RecConsidered, monitoring.RecDeclined} {
		ids = append(ids, "act.rec."+string(s))
	}
	for _, k := range []monitoring.CommentKind{monitoring.CommentComment, monitoring.CommentObjection, monitoring.CommentDiscussion} {
		ids = append(ids, "act.comment."+string(k))
	}
	ids = append(ids, "act.addressee."+monitoring.AddresseeHead, "act.addressee."+monitoring.AddresseeCouncil)
	for _, lang := range []monitoring.Lang{monitoring.Kyrgyz, monitoring.Russian} {
		for _, id := range ids {
			if !c.IDs(lang)[id] {
				t.Errorf("%s has no %s", lang, id)
			}
		}
	}
}
