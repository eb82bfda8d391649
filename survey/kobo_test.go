package survey_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"bmjbt/monitoring"
	"bmjbt/survey"
	"bmjbt/survey/surveytest"
)

// Issue 13: every form of the folder of real forms (survey/testdata/kobo)
// is read as KoBoToolbox downloads it, and opens with its introduction.
// What each one shows is checked here at import; bot/telegram asks them
// end to end and compares their exports with the golden files.
func TestKoBoFormsImport(t *testing.T) {
	forms := map[string]*survey.Form{}
	for _, fx := range surveytest.Fixtures(t) {
		f, err := survey.ReadXLSForm(fx.XLSX(t))
		if err != nil {
			t.Fatalf("%s: %v", fx.Name, err)
		}
		if err := f.Introduction(); err != nil {
			t.Errorf("%s: %v", fx.Name, err)
		}
		forms[fx.Name] = f
		// Written back as an XLSForm to edit, it reads the same.
		back := roundTrip(t, f)
		if got, want := keysOf(back), keysOf(f); got != want {
			t.Errorf("%s: written and read back, keys %q, want %q", fx.Name, got, want)
		}
	}
	if len(forms) < 8 {
		t.Fatalf("%d forms in the folder, want the 8 of issue 13", len(forms))
	}

	// KoBo's default: start, end and the rest of the metadata kept where
	// they stood, the __version__ calculate a question with its value.
	d := forms["default"]
	var meta []string
	for _, m := range d.Meta {
		meta = append(meta, m.Name)
	}
	if got := strings.Join(meta, " "); got != "start end today deviceid username" {
		t.Errorf("default: metadata %q", got)
	}
	if q, ok := d.Question("__version__"); !ok || q.Type != survey.Calculate || d.Version != "vGd7kQzBHvU3kCrRCqvBsq" {
		t.Errorf("default: __version__ %+v, version %q", q, d.Version)
	}

	// KoBo's own columns and sheets are passed over, and said so.
	warnings := strings.Join(forms["extras"].Warnings, "\n")
	for _, want := range []string{`sheet "kobo--locking-profiles" is not read`, `sheet "builder_settings" is not read`,
		`column F "hxl" is not read`, `column G "kobo--locking-profile" is not read`, `column H "$kuid" is not read`} {
		if !strings.Contains(warnings, want) {
			t.Errorf("extras: no warning %q in:\n%s", want, warnings)
		}
	}

	// Cells as typed: 1 formatted "0.0" is the choice "1", TRUE is
	// required, a date cell is YYYY-MM-DD.
	c := forms["cells"]
	score, _ := c.Question("score")
	last, _ := c.Question("last")
	if names := choiceNames(c.Options(score)); names != "1 2 3" || !score.Required || last.Default != "2026-11-02" || c.Version != "3" {
		t.Errorf("cells: choices %q, required %v, default %q, version %q", names, score.Required, last.Default, c.Version)
	}

	// Rating: its header not asked; matrix rows carry their page.
	r := forms["rating"]
	run := survey.NewRun(r, nil, surveyToday)
	var asked []string
	for q, ok := run.Next(""); ok; q, ok = run.Next(q.Key()) {
		if q.Type != survey.Note {
			asked = append(asked, q.Key())
		}
	}
	if got := strings.Join(asked, " "); got != "services_water services_roads school_class_state school_toilet_state" {
		t.Errorf("rating: asked %q", got)
	}

	// Blank cells fall back: a Russian reader gets Kyrgyz where Russian is
	// blank, and the other way round.
	tr := forms["translations"]
	school, _ := tr.Question("school_ok")
	children, _ := tr.Question("children")
	if school.Label.In("ru") != "Мектеп жылуубу?" || children.Label.In("ky") != "Сколько детей в семье ходят в школу?" {
		t.Errorf("translations: %q, %q", school.Label.In("ru"), children.Label.In("ky"))
	}

	// or_other on a select_multiple.
	o := forms["other"]
	if q, ok := o.Question("problems_other"); !ok || q.Label.In("ru") != "Напишите ваш вариант" ||
		choiceNames(o.Options(&o.Questions[1])) != "cuts voltage other" {
		t.Errorf("other: %+v", o.Questions)
	}

	// The same name in two groups: two answers each.
	var keys []string
	for _, q := range forms["groups"].Questions {
		keys = append(keys, q.Key())
	}
	if got := strings.Join(keys, " "); got != "intro water/ok water/comment roads/ok roads/comment" {
		t.Errorf("groups: keys %q", got)
	}

	// A cascade: each list filtered by the answer before.
	cs := forms["cascade"]
	run = survey.NewRun(cs, nil, surveyToday)
	district, _ := cs.Question("district")
	village, _ := cs.Question("village")
	street, _ := cs.Question("street")
	answer(t, run, district, "south")
	answer(t, run, village, "kyzyl_tuu")
	if got := choiceNames(run.Options(street)); got != "bazaar" {
		t.Errorf("cascade: streets of Kyzyl-Tuu %q", got)
	}
}

var surveyToday = time.Date(2026, 12, 2, 0, 0, 0, 0, monitoring.Bishkek)

func keysOf(f *survey.Form) string {
	var out []string
	for _, q := range f.Questions {
		out = append(out, q.Key()+"="+f.PathOf(&q)+":"+q.Relevant)
	}
	for _, m := range f.Meta {
		out = append(out, fmt.Sprintf("%s@%d", m.Name, m.At))
	}
	return strings.Join(out, " ")
}

func choiceNames(cs []survey.Choice) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return strings.Join(out, " ")
}
