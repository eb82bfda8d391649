package survey_test

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"bmjbt/survey"
)

// sheet is a sheet's rows; cells keep their Go type, so a test can put a
// number or a boolean where a form designer's spreadsheet would.
type sheet [][]any

// workbook builds an XLSX in memory: sheets in the order given (name,
// rows, name, rows…); style, when set, runs on the file before saving.
func workbook(t *testing.T, style func(*excelize.File), sheets ...any) *bytes.Buffer {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	for i := 0; i < len(sheets); i += 2 {
		name := sheets[i].(string)
		if i == 0 {
			if err := x.SetSheetName("Sheet1", name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := x.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for r, row := range sheets[i+1].(sheet) {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := x.SetSheetRow(name, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	if style != nil {
		style(x)
	}
	var buf bytes.Buffer
	if _, err := x.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return &buf
}

var (
	stdChoices = sheet{
		{"list_name", "name", "label::Kyrgyz (ky)", "label::Russian (ru)"},
		{"yes_no", "yes", "Ооба", "Да"},
		{"yes_no", "no", "Жок", "Нет"},
	}
	stdSettings = sheet{{"form_id", "form_title", "version"}, {"water", "Суу", "1"}}
	stdHeader   = []any{"type", "name", "label::Kyrgyz (ky)", "relevant", "calculation", "choice_filter", "required"}
)

// readSurvey reads a form made of the standard header, the rows given,
// and the standard choices and settings.
func readSurvey(t *testing.T, rows ...[]any) (*survey.Form, error) {
	t.Helper()
	s := sheet{stdHeader}
	s = append(s, rows...)
	return survey.ReadXLSForm(workbook(t, nil, "survey", s, "choices", stdChoices, "settings", stdSettings))
}

// A form as KoBoToolbox writes it: texts in two languages, header aliases
// in any case, pyxform's type aliases, nested groups whose relevant
// reaches each question, or_other, choice_filter columns, numbers and
// booleans typed as such, and a metadata row kept (filled by bmjbt, not asked).
func TestReadXLSForm(t *testing.T) {
	s := sheet{
		{"Type", "NAME", "label::Kyrgyz (ky)", "label:Russian", "hint::Kyrgyz (ky)", "Required", "relevance", "constraint", "constraint_message::Russian (ru)", "choice_filter", "calculation", "$kuid"},
		{"start", "start"},
		{"select one villages", "village", "Айылыңыз?", "Ваше село?", "Бирөөнү тандаңыз", true},
		{"select_one taps", "tap", "Кайсы кран?", "Какая колонка?", nil, nil, nil, nil, nil, "village = ${village}"},
		{"begin group", "details", "Кененирээк", "Подробнее", nil, nil, "${village} = 'masy'"},
		{"int", "household", "Канча адам?", "Сколько человек?", nil, "yes", "${tap} != ''", ". > 0", "Больше нуля"},
		{"begin_group", "inner", nil, nil, nil, nil, "${household} > 2"},
		{"select all that apply problems or_other", "problems", "Көйгөйлөр?", "Проблемы?"},
		{"end_group"},
		{"end group"},
		{"calculate", "double", nil, nil, nil, nil, nil, nil, nil, nil, "${household} * 2"},
		{nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, "abc123"},
	}
	choices := sheet{
		{"list_name", "name", "label::Kyrgyz (ky)", "label::Russian (ru)", "village", "$kuid"},
		{"villages", "masy", "Масы", "Масы"},
		{"villages", "aral", "Арал", "Арал"},
		{"taps", "school", "Мектеп", "Школа", "masy", "k1"},
		{"taps", "bazaar", "Базар", "Рынок", "aral"},
		{"problems", 1, "Суу жок", "Нет воды"},
		{"problems", 2, "Суу кир", "Грязная вода"},
	}
	settings := sheet{{"Form_Title", "form_id", "version", "default_language"}, {"Суу", "water", 3, "Kyrgyz (ky)"}}
	f, err := survey.ReadXLSForm(workbook(t, nil, "survey", s, "Choices", choices, "settings", settings, "kobo--locking-profiles", sheet{{"x"}}))
	if err != nil {
		t.Fatal(err)
	}
	// What is passed over is said: KoBo's own sheet and columns.
	if want := []string{`sheet "kobo--locking-profiles" is not read`, `survey sheet, column L "$kuid" is not read`}; !slices.Equal(f.Warnings, want) {
		t.Fatalf("warnings %q, want %q", f.Warnings, want)
	}
	if f.ID != "water" || f.Title != "Суу" || f.Version != "3" || f.DefaultLanguage != "ky" || !slices.Equal(f.Languages, []string{"ky", "ru"}) {
		t.Fatalf("settings: %q %q %q %q %v", f.ID, f.Title, f.Version, f.DefaultLanguage, f.Languages)
	}
	var names []string
	for _, q := range f.Questions {
		names = append(names, q.Name)
	}
	if want := []string{"village", "tap", "household", "problems", "problems_other", "double"}; !slices.Equal(names, want) {
		t.Fatalf("questions %v, want %v", names, want)
	}
	village, _ := f.Question("village")
	if village.Type != survey.SelectOne || village.ListName != "villages" || !village.Required ||
		!reflect.DeepEqual(village.Label, survey.Translations{"ky": "Айылыңыз?", "ru": "Ваше село?"}) ||
		!reflect.DeepEqual(village.Hint, survey.Translations{"ky": "Бирөөнү тандаңыз"}) {
		t.Fatalf("village: %+v", village)
	}
	tap, _ := f.Question("tap")
	if tap.ChoiceFilter != "village = ${village}" || tap.Required {
		t.Fatalf("tap: %+v", tap)
	}
	if want := map[string]string{"village": "masy"}; !reflect.DeepEqual(f.Choices["taps"][0].Extra, want) || f.Choices["taps"][1].Extra["village"] != "aral" {
		t.Fatalf("taps keep their village column: %+v", f.Choices["taps"])
	}
	household, _ := f.Question("household")
	if household.Type != survey.Integer || household.Group != "details" || household.Constraint != ". > 0" ||
		household.Relevant != "(${village} = 'masy') and (${tap} != '')" || household.ConstraintMessage["ru"] != "Больше нуля" {
		t.Fatalf("household: %+v", household)
	}
	problems, _ := f.Question("problems")
	if problems.Type != survey.SelectMultiple || !problems.OrOther || problems.Group != "inner" ||
		problems.Relevant != "(${village} = 'masy') and (${household} > 2)" {
		t.Fatalf("problems: %+v", problems)
	}
	other, _ := f.Question("problems_other")
	if other.Type != survey.Text || other.Group != "inner" || other.Label["ky"] == "" || other.Label["ru"] == "" ||
		other.Relevant != "((${village} = 'masy') and (${household} > 2)) and (selected(${problems}, 'other'))" {
		t.Fatalf("problems_other: %+v", other)
	}
	var choiceNames []string
	for _, c := range f.Choices["problems"] {
		choiceNames = append(choiceNames, c.Name)
	}
	if !slices.Equal(choiceNames, []string{"1", "2", "other"}) || f.Choices["problems"][2].Label["ru"] != "Другое" {
		t.Fatalf("problems choices: %+v", f.Choices["problems"])
	}
	if want := []survey.Group{
		{Name: "details", Label: survey.Translations{"ky": "Кененирээк", "ru": "Подробнее"}},
		{Name: "inner", Parent: "details"},
	}; !reflect.DeepEqual(f.Groups, want) {
		t.Fatalf("groups %+v", f.Groups)
	}
	if double, _ := f.Question("double"); double.Type != survey.Calculate || double.Group != "" || double.Relevant != "" {
		t.Fatalf("a question after the groups is outside them: %+v", double)
	}
}

// Cells are read as typed, not as shown: a choice name 1 formatted "0.0"
// is "1", a date-formatted default a date, a boolean TRUE a yes.
func TestReadXLSFormCellsAsTyped(t *testing.T) {
	s := sheet{
		{"type", "name", "label", "required", "default"},
		{"select_one nums", "n", "N", true, 2},
		{"date", "d", "D", false, 46082},
		{"decimal", "x", "X", "FALSE", 2.5},
	}
	choices := sheet{{"list_name", "name", "label"}, {"nums", 1, "one"}, {"nums", 2, "two"}}
	style := func(x *excelize.File) {
		oneDecimal := "0.0"
		num, _ := x.NewStyle(&excelize.Style{CustomNumFmt: &oneDecimal})
		date, _ := x.NewStyle(&excelize.Style{NumFmt: 14})
		for _, cell := range []string{"B2", "B3"} {
			if err := x.SetCellStyle("choices", cell, cell, num); err != nil {
				t.Fatal(err)
			}
		}
		if err := x.SetCellStyle("survey", "E2", "E2", num); err != nil {
			t.Fatal(err)
		}
		if err := x.SetCellStyle("survey", "E3", "E3", date); err != nil {
			t.Fatal(err)
		}
		// What excelize shows by default: the trap this test guards.
		if v, _ := x.GetCellValue("choices", "B2"); v != "1.0" {
			t.Fatalf("formatted value %q, want 1.0", v)
		}
	}
	f, err := survey.ReadXLSForm(workbook(t, style, "survey", s, "choices", choices, "settings", stdSettings))
	if err != nil {
		t.Fatal(err)
	}
	if c := f.Choices["nums"]; c[0].Name != "1" || c[1].Name != "2" {
		t.Fatalf("choice names %q %q", c[0].Name, c[1].Name)
	}
	n, _ := f.Question("n")
	d, _ := f.Question("d")
	x, _ := f.Question("x")
	if !n.Required || n.Default != "2" || d.Required || d.Default != "2026-03-01" || x.Required || x.Default != "2.5" {
		t.Fatalf("n %v %q, d %v %q, x %v %q", n.Required, n.Default, d.Required, d.Default, x.Required, x.Default)
	}
	// A plain label column with no default_language is the "default" one.
	if !slices.Equal(f.Languages, []string{survey.DefaultLang}) || n.Label.In("ky") != "N" {
		t.Fatalf("languages %v, label %v", f.Languages, n.Label)
	}
}

// Everything outside the subset is refused, the whole form, each problem
// named by sheet, row and column.
func TestReadXLSFormRefuses(t *testing.T) {
	for _, tc := range []struct {
		name string
		rows [][]any
		want string
	}{
		{"repeat", [][]any{{"begin repeat", "people", "Адамдар"}, {"text", "who", "Ким?"}, {"end repeat"}},
			`survey sheet, row 2, column A "type": repeats are not supported yet`},
		{"repeat alias", [][]any{{"begin_repeat", "people", "Адамдар"}, {"end_repeat"}}, `row 2, column A "type": repeats are not supported yet`},
		{"from file", [][]any{{"select_one_from_file villages.csv", "v", "Айыл"}}, `row 2, column A "type": external choices`},
		{"external", [][]any{{"select_one_external villages", "v", "Айыл"}}, `row 2, column A "type": external choices`},
		{"pulldata", [][]any{{"calculate", "c", nil, nil, "pulldata('f', 'a', 'b', 'c')"}}, `row 2, column E "calculation": pulldata() is not supported yet`},
		{"instance", [][]any{{"text", "t", "T", "count(instance('x')/root/item) > 0"}}, `row 2, column D "relevant": instance() is not supported yet`},
		{"image", [][]any{{"text", "a", "A"}, {"image", "photo", "Сүрөт"}}, `row 3, column A "type": "image" questions are not supported yet`},
		{"geoshape", [][]any{{"geoshape", "where", "Кайда?"}}, `row 2, column A "type": "geoshape" questions are not supported yet`},
		{"unknown type", [][]any{{"txt", "a", "A"}}, `row 2, column A "type": unknown type "txt"`},
		{"case-sensitive type", [][]any{{"Text", "a", "A"}}, `unknown type "Text"`},
		{"no type", [][]any{{nil, "a", "A"}}, `row 2, column A "type": no type`},
		{"duplicate", [][]any{{"text", "a", "A"}, {"integer", "a", "B"}},
			`survey sheet, row 3, column B "name": the name "a" is already used (survey sheet, row 2, column B "name")`},
		{"group name taken", [][]any{{"text", "a", "A"}, {"begin group", "a"}, {"text", "b", "B"}, {"end group"}}, `row 3, column B "name": the name "a" is already used`},
		{"bad name", [][]any{{"text", "1st", "A"}}, `row 2, column B "name": "1st" is not a valid name`},
		{"no name", [][]any{{"text", nil, "A"}}, `row 2, column B "name": no name`},
		{"unknown list", [][]any{{"select_one colours", "c", "C"}}, `row 2, column A "type": list "colours" is not in the choices sheet`},
		{"select without list", [][]any{{"select_one", "c", "C"}}, `row 2, column A "type": "select_one" needs a list name`},
		{"bad or_other", [][]any{{"select_one yes_no or_what", "c", "C"}}, `row 2, column A "type": cannot read type`},
		{"unknown reference", [][]any{{"text", "a", "A", "${b} = 'x'"}}, `row 2, column D "relevant": ${b} refers to no question`},
		{"reference in a label", [][]any{{"text", "a", "Салам, ${nme}"}}, `row 2, column C "label::Kyrgyz (ky)": ${nme} refers to no question`},
		{"reference to a group", [][]any{{"begin group", "g"}, {"text", "a", "A"}, {"end group"}, {"text", "b", "B", "${g} = ''"}}, `row 5, column D "relevant": ${g} refers to no question`},
		{"unclosed reference", [][]any{{"text", "a", "A", "${a = 'x'"}}, `row 2, column D "relevant": a ${ is not closed`},
		{"or_other with choice_filter", [][]any{{"text", "a", "A"}, {"select_one yes_no or_other", "b", "B", nil, nil, "${a} = name"}},
			`row 3, column A "type": or_other cannot be used with a choice_filter`},
		{"choice_filter column", [][]any{{"text", "a", "A"}, {"select_one yes_no", "b", "B", nil, nil, "district = ${a}"}},
			`row 3, column F "choice_filter": choice_filter names the column "district"`},
		{"required", [][]any{{"text", "a", "A", nil, nil, nil, "${x} = 1"}}, `row 2, column G "required": ${x} refers to no question`},
		{"required word", [][]any{{"text", "a", "A", nil, nil, nil, "maybe"}}, `row 2, column G "required": "maybe" is not an expression here`},
		{"no label", [][]any{{"text", "a"}}, `row 2, column C "label::Kyrgyz (ky)": question "a" has no label`},
		{"calculate without calculation", [][]any{{"calculate", "c"}}, `row 2, column E "calculation": calculate "c" has no calculation`},
		{"unclosed group", [][]any{{"begin group", "g"}, {"text", "a", "A"}}, `row 2, column A "type": this group has no end group`},
		{"stray end", [][]any{{"text", "a", "A"}, {"end group"}}, `row 3, column A "type": "end group" without a begin`},
		{"empty", nil, `survey sheet: the form has no questions`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := readSurvey(t, tc.rows...)
			if err == nil || f != nil {
				t.Fatalf("accepted (%v), want %s", f, tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error\n%v\nwant it to contain\n%s", err, tc.want)
			}
		})
	}
}

// Sheets and columns a form cannot do without, and what bmjbt will not
// read at all, are refused before any row.
func TestReadXLSFormRefusesWorkbooks(t *testing.T) {
	q := sheet{{"type", "name", "label"}, {"text", "a", "A"}}
	for _, tc := range []struct {
		name   string
		sheets []any
		want   string
	}{
		{"no settings", []any{"survey", q, "choices", stdChoices}, "workbook: no settings sheet"},
		{"no survey", []any{"Sheet", q, "settings", stdSettings}, "workbook: no survey sheet"},
		{"external_choices", []any{"survey", q, "external_choices", stdChoices, "settings", stdSettings}, "external_choices sheet: external choices are not supported yet"},
		{"no name column", []any{"survey", sheet{{"type", "label"}, {"text", "A"}}, "settings", stdSettings}, `survey sheet, row 1: no "name" column`},
		{"no label column", []any{"survey", sheet{{"type", "name"}, {"text", "a"}}, "settings", stdSettings}, `survey sheet, row 1: no "label" column`},
		{"no choice label", []any{"survey", q, "choices", sheet{{"list_name", "name"}, {"l", "x"}}, "settings", stdSettings}, `choices sheet, row 1: no "label" column`},
		{"no choices sheet", []any{"survey", sheet{{"type", "name", "label"}, {"select_one yes_no", "a", "A"}}, "settings", stdSettings},
			`survey sheet, row 2, column A "type": list "yes_no" not found: the workbook has no choices sheet`},
		{"no form_id", []any{"survey", q, "settings", sheet{{"form_title"}, {"Суу"}}}, "settings sheet, row 2: no form_id"},
		{"bad form_id", []any{"survey", q, "settings", sheet{{"form_id"}, {"water 2026"}}}, `settings sheet, row 2, column A "form_id": form_id "water 2026" is not a valid name`},
		{"choice twice", []any{"survey", q, "choices", sheet{{"list_name", "name", "label"}, {"l", "x", "X"}, {"l", "x", "Y"}}, "settings", stdSettings},
			`choices sheet, row 3, column B "name": list "l" has the choice "x" twice`},
		{"choice without label", []any{"survey", q, "choices", sheet{{"list_name", "name", "label"}, {"l", "x"}}, "settings", stdSettings},
			`choices sheet, row 2, column C "label": choice "x" of list "l" has no label`},
		{"other and or_other", []any{"survey", sheet{{"type", "name", "label"}, {"select_one l or_other", "a", "A"}}, "choices", sheet{{"list_name", "name", "label"}, {"l", "other", "Башка"}}, "settings", stdSettings},
			`survey sheet, row 2, column A "type": list "l" already has a choice "other"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := survey.ReadXLSForm(workbook(t, nil, tc.sheets...))
			if err == nil || f != nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if _, err := survey.ReadXLSForm(strings.NewReader("type,name\ntext,a\n")); err == nil || !strings.Contains(err.Error(), "read XLSForm") {
		t.Fatalf("a CSV: %v", err)
	}
}

// Several problems come together, one a line, up to twenty.
func TestReadXLSFormCollectsProblems(t *testing.T) {
	_, err := readSurvey(t, []any{"image", "a", "A"}, []any{"text", "b"}, []any{"text", "c", "C", "${zz}"})
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) || len(joined.Unwrap()) != 3 {
		t.Fatalf("want 3 problems, got %v", err)
	}
	if lines := strings.Split(err.Error(), "\n"); len(lines) != 3 || !strings.Contains(lines[0], "row 2") || !strings.Contains(lines[1], "row 3") || !strings.Contains(lines[2], "row 4") {
		t.Fatalf("lines in row order: %q", lines)
	}
	var many [][]any
	for range 25 {
		many = append(many, []any{"image", nil, "A"})
	}
	_, err = readSurvey(t, many...)
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 21 || !strings.Contains(lines[20], "and 5 more problems") {
		t.Fatalf("%d lines, last %q", len(lines), lines[len(lines)-1])
	}
}

// Expressions are parsed at import: a syntax error or an unsupported
// function is reported where it stands, and the parser's references count.
func TestReadXLSFormParsesExpressions(t *testing.T) {
	if _, err := readSurvey(t, []any{"text", "a", "A"}, []any{"text", "b", "B", "((${a}"}); err == nil ||
		!strings.Contains(err.Error(), `row 3, column D "relevant": expression`) {
		t.Fatalf("parser's error: %v", err)
	}
	if _, err := readSurvey(t, []any{"text", "a", "A"}, []any{"text", "b", "B", "position(..) > 1"}); err == nil ||
		!strings.Contains(err.Error(), "position()") {
		t.Fatalf("an unsupported function: %v", err)
	}
	if _, err := readSurvey(t, []any{"text", "b", "B", "string-length(${a}) > 0"}); err == nil || !strings.Contains(err.Error(), "${a} refers to no question") {
		t.Fatalf("parser's references: %v", err)
	}
}

// A form written and read back is the same form.
func TestWriteXLSFormRoundTrips(t *testing.T) {
	s := sheet{
		{"type", "name", "label::Kyrgyz (ky)", "label::Russian (ru)", "hint::Russian (ru)", "required", "required_message::Kyrgyz (ky)", "relevant", "constraint", "constraint_message::Kyrgyz (ky)", "calculation", "choice_filter", "appearance", "default"},
		{"select_one villages", "village", "Айыл?", "Село?", "Одно", "yes", "Тандаңыз"},
		{"select_one taps", "tap", "Кран?", "Колонка?", nil, nil, nil, nil, nil, nil, nil, "village = ${village}", "minimal"},
		{"begin group", "g", "Топ", "Группа", nil, nil, nil, "${village} = 'masy'", nil, nil, nil, nil, "field-list"},
		{"integer", "n", "Канча?", "Сколько?", nil, nil, nil, "${tap} != ''", ". > 0", "Нөлдөн көп", nil, nil, nil, 1},
		{"begin group", "h"},
		{"select_multiple nums or_other", "m", "Тандаңыз", "Выберите"},
		{"end group"},
		{"note", "after", "Рахмат", "Спасибо"},
		{"end group"},
		{"date", "d", "Качан?", "Когда?", nil, nil, nil, nil, ". <= today()"},
		{"calculate", "c", nil, nil, nil, nil, nil, nil, nil, nil, "${n} * 2"},
		{"acknowledge", "ok", "Макулсузбу?", "Согласны?"},
	}
	choices := sheet{
		{"list_name", "name", "label::Kyrgyz (ky)", "label::Russian (ru)", "village", "kind"},
		{"villages", "masy", "Масы", "Масы"},
		{"villages", "aral", "Арал", "Арал"},
		{"taps", "school", "Мектеп", "Школа", "masy", "public"},
		{"taps", "bazaar", "Базар", "Рынок", "aral"},
		{"nums", 1, "Бир", "Один"},
		{"nums", 2, "Эки", "Два"},
		{"unused", "x", "Икс", "Икс"},
	}
	settings := sheet{{"form_id", "form_title", "version", "default_language"}, {"water", "Суу", "2026-1", "ky"}}
	f, err := survey.ReadXLSForm(workbook(t, nil, "survey", s, "choices", choices, "settings", settings))
	if err != nil {
		t.Fatal(err)
	}
	back := roundTrip(t, f)
	if !reflect.DeepEqual(f, back) {
		t.Fatalf("read back differs:\n%+v\n%+v", f, back)
	}
	if len(back.Groups) != 2 || back.Groups[1].Parent != "g" || back.Groups[0].Appearance != "field-list" {
		t.Fatalf("groups: %+v", back.Groups)
	}
}

func roundTrip(t *testing.T, f *survey.Form) *survey.Form {
	t.Helper()
	var buf bytes.Buffer
	if err := survey.WriteXLSForm(&buf, f); err != nil {
		t.Fatal(err)
	}
	back, err := survey.ReadXLSForm(&buf)
	if err != nil {
		t.Fatalf("read back: %v", err)
	}
	return back
}
