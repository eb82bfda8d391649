package survey

import "testing"

// Type cells as form designers write them, with pyxform's aliases.
func TestParseType(t *testing.T) {
	for _, tc := range []struct {
		cell    string
		kind    rowKind
		qtype   QuestionType
		list    string
		orOther bool
	}{
		{"select_one yes_no", questionRow, SelectOne, "yes_no", false},
		{"select one yes_no", questionRow, SelectOne, "yes_no", false},
		{"select1 yes_no", questionRow, SelectOne, "yes_no", false},
		{"select one from yes_no", questionRow, SelectOne, "yes_no", false},
		{"select_one  yes_no   or_other", questionRow, SelectOne, "yes_no", true},
		{"select_one yes_no or specify other", questionRow, SelectOne, "yes_no", true},
		{"select_multiple problems", questionRow, SelectMultiple, "problems", false},
		{"select all that apply problems or_other", questionRow, SelectMultiple, "problems", true},
		{"select multiple from problems", questionRow, SelectMultiple, "problems", false},
		{"int", questionRow, Integer, "", false},
		{"integer", questionRow, Integer, "", false},
		{"decimal", questionRow, Decimal, "", false},
		{"string", questionRow, Text, "", false},
		{"note", questionRow, Note, "", false},
		{"date", questionRow, Date, "", false},
		{"calculate", questionRow, Calculate, "", false},
		{"trigger", questionRow, Acknowledge, "", false},
		{"begin group", beginGroup, "", "", false},
		{"begin_group", beginGroup, "", "", false},
		{"end group", endGroup, "", "", false},
		{"end_group", endGroup, "", "", false},
		{"begin repeat", beginRepeat, "", "", false},
		{"begin looped group", beginRepeat, "", "", false},
		{"end_repeat", endRepeat, "", "", false},
		{"start", metadataRow, "", "", false},
		{"deviceid", metadataRow, "", "", false},
		{"range", questionRow, Range, "", false},
		{"geopoint", questionRow, Geopoint, "", false},
		{"photo", mediaRow, "", "", false},
	} {
		p, err := parseType(tc.cell)
		if err != nil || p.kind != tc.kind || p.qtype != tc.qtype || p.list != tc.list || p.orOther != tc.orOther {
			t.Errorf("%q: %+v, %v", tc.cell, p, err)
		}
	}
	for _, cell := range []string{"", "Integer", "select_one", "select_one x y", "begin table", "geotrace", "geoshape",
		"select_one_from_file a.csv", "select_multiple_external x", "rank x"} {
		if p, err := parseType(cell); err == nil {
			t.Errorf("%q accepted as %+v", cell, p)
		}
	}
}

// A question's type is written as it reads back.
func TestTypeCell(t *testing.T) {
	for _, q := range []Question{{Type: SelectOne, ListName: "l", OrOther: true}, {Type: SelectMultiple, ListName: "m"}, {Type: Integer}} {
		p, err := parseType(typeCell(&q))
		if err != nil || p.qtype != q.Type || p.list != q.ListName || p.orOther != q.OrOther {
			t.Errorf("%q: %+v, %v", typeCell(&q), p, err)
		}
	}
}
