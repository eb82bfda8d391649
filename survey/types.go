package survey

import (
	"fmt"
	"slices"
	"strings"
)

// rowKind tells what a survey row does: a question, the start or end of a
// group, or a metadata row that collects nothing a resident answers.
type rowKind int

const (
	questionRow rowKind = iota
	beginGroup
	endGroup
	beginRepeat
	endRepeat
	metadataRow
	// mediaRow is a photo, audio, video, file or barcode question: refused,
	// or left out when the operator asks so and the form can do without it.
	mediaRow
)

// parsedType is a survey row's type cell, read.
type parsedType struct {
	kind    rowKind
	meta    string // a metadata row's type: start, end, deviceid…
	qtype   QuestionType
	list    string
	orOther bool
}

// Aliases as pyxform reads them (its aliases.py and the question type
// dictionary): form designers copy types from old forms and tutorials, and
// KoBoToolbox accepts them all. Type values are case-sensitive there too.
var questionTypes = map[string]QuestionType{
	"integer": Integer, "int": Integer, "q int": Integer, "add integer prompt": Integer,
	"decimal": Decimal, "q decimal": Decimal, "add decimal prompt": Decimal,
	"text": Text, "string": Text, "q string": Text, "add text prompt": Text,
	"note": Note, "q note": Note, "add note prompt": Note,
	"date": Date, "q date": Date, "add date prompt": Date,
	"calculate": Calculate, "q calculate": Calculate, "add calculate prompt": Calculate,
	"acknowledge": Acknowledge, "q acknowledge": Acknowledge, "add acknowledge prompt": Acknowledge, "trigger": Acknowledge,
	"range": Range, "q range": Range, "add range prompt": Range,
	"time": Time, "q time": Time, "add time prompt": Time,
	"dateTime": DateTime, "datetime": DateTime, "date time": DateTime, "q dateTime": DateTime, "add dateTime prompt": DateTime,
	"geopoint": Geopoint, "gps": Geopoint, "location": Geopoint, "q geopoint": Geopoint, "q location": Geopoint, "add location prompt": Geopoint,
}

var selectTypes = map[string]QuestionType{
	"select_one": SelectOne, "select one": SelectOne, "select1": SelectOne, "q select1": SelectOne,
	"select one from": SelectOne, "select one using": SelectOne, "add select one prompt using": SelectOne,
	"select_multiple": SelectMultiple, "select multiple": SelectMultiple, "select all that apply": SelectMultiple,
	"select all that apply from": SelectMultiple, "select multiple from": SelectMultiple,
	"select multiple using": SelectMultiple, "add select multiple prompt using": SelectMultiple, "q select": SelectMultiple,
}

// selectAliases are selectTypes' keys, longest first, so that
// "select one from x" is not read as "select one" with the list "from".
var selectAliases = func() []string {
	keys := make([]string, 0, len(selectTypes))
	for k := range selectTypes {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return len(b) - len(a) })
	return keys
}()

var externalSelects = []string{
	"select_one_from_file", "select_multiple_from_file", "select one from file", "select multiple from file",
	"select_one_external", "select_multiple_external",
}

// Metadata rows record the device and the time of a KoBoToolbox
// submission; KoBo's form builder adds start and end to every form. They
// are kept (Form.Meta) and filled as Run.Meta says, so an export has the
// columns analysts' scripts expect.
var metadataTypes = []string{
	"start", "end", "today", "deviceid", "imei", "subscriberid", "simserial", "phonenumber",
	"username", "email", "audit",
}

// Media questions cannot be answered with a button or a typed line in
// every channel yet; an import may leave out those not required
// (ReadOptions.SkipUnsupported).
var mediaTypes = []string{
	"photo", "image", "audio", "video", "file", "barcode", "background-audio",
	"q picture", "q image", "q audio", "q video", "q barcode",
	"add image prompt", "add photo prompt", "add audio prompt", "add video prompt", "add file prompt",
	"add barcode prompt",
}

// Lines, shapes and places taken by the device itself are refused: a
// chat has no way to draw them.
var shapeTypes = []string{"geotrace", "geoshape", "background-geopoint", "start-geopoint"}

// MediaError is a media question (photo, audio, video, file, barcode) in a
// form: bmjbt cannot ask it yet. One not required can be left out
// (ReadOptions.SkipUnsupported), so the caller may offer that.
type MediaError struct{ Type string }

func (e *MediaError) Error() string {
	return fmt.Sprintf("%q questions are not supported yet (no photos, audio, video, files or barcodes)", e.Type)
}

// ReadOptions say how a form is read. SkipUnsupported leaves out media
// questions that are not required, each named in the form's warnings: a
// KoBo form often has an optional photo the chat can do without.
type ReadOptions struct {
	SkipUnsupported bool
}

var unsupportedTypes = []string{
	"rank", "hidden", "xml-external", "csv-external", "osm",
}

// parseType reads a type cell: "select_one yes_no or_other", "begin group",
// "int". Its errors name no place; the caller knows the cell.
func parseType(cell string) (parsedType, error) {
	t := strings.Join(strings.Fields(cell), " ")
	switch {
	case t == "":
		return parsedType{}, fmt.Errorf("no type")
	case strings.HasPrefix(t, "begin ") || strings.HasPrefix(t, "begin_"):
		return parseControl(t, t[len("begin "):], beginGroup, beginRepeat)
	case strings.HasPrefix(t, "end ") || strings.HasPrefix(t, "end_"):
		return parseControl(t, t[len("end "):], endGroup, endRepeat)
	}
	if qt, ok := questionTypes[t]; ok {
		return parsedType{kind: questionRow, qtype: qt}, nil
	}
	for _, e := range externalSelects {
		if t == e || strings.HasPrefix(t, e+" ") {
			return parsedType{}, fmt.Errorf("external choices (%s) are not supported yet: put the choices on the choices sheet", e)
		}
	}
	for _, alias := range selectAliases {
		if t == alias {
			return parsedType{}, fmt.Errorf("%q needs a list name, as in %q", t, alias+" yes_no")
		}
		if rest, ok := strings.CutPrefix(t, alias+" "); ok {
			return parseSelect(t, selectTypes[alias], rest)
		}
	}
	switch {
	case slices.Contains(metadataTypes, t):
		return parsedType{kind: metadataRow, meta: t}, nil
	case slices.Contains(mediaTypes, t):
		return parsedType{kind: mediaRow, meta: t}, nil
	case slices.Contains(shapeTypes, t):
		return parsedType{}, fmt.Errorf("%q questions are not supported yet (no lines or shapes)", t)
	case slices.Contains(unsupportedTypes, t):
		return parsedType{}, fmt.Errorf("%q questions are not supported yet", t)
	}
	return parsedType{}, fmt.Errorf("unknown type %q", t)
}

// parseControl reads what follows begin/end: pyxform's control words.
func parseControl(t, control string, group, repeat rowKind) (parsedType, error) {
	switch control {
	case "group":
		return parsedType{kind: group}, nil
	case "repeat", "lgroup", "loop", "looped group":
		return parsedType{kind: repeat}, nil
	}
	return parsedType{}, fmt.Errorf("unknown type %q", t)
}

// parseSelect reads "LIST" or "LIST or_other" after a select's keyword.
func parseSelect(t string, qt QuestionType, rest string) (parsedType, error) {
	list, other, _ := strings.Cut(rest, " ")
	p := parsedType{kind: questionRow, qtype: qt, list: list}
	switch other {
	case "":
	case "or_other", "or other", "or specify other":
		p.orOther = true
	default:
		return parsedType{}, fmt.Errorf("cannot read type %q: expected %q or %q", t, string(qt)+" "+list, string(qt)+" "+list+" or_other")
	}
	return p, nil
}

// typeCell writes a question's type as the survey sheet has it.
func typeCell(q *Question) string {
	if q.Type != SelectOne && q.Type != SelectMultiple {
		return string(q.Type)
	}
	t := string(q.Type) + " " + q.ListName
	if q.OrOther {
		t += " or_other"
	}
	return t
}

// parseYesNo reads a yes/no cell as pyxform does, plus the "1"/"0" a
// spreadsheet's boolean cell gives.
func parseYesNo(s string) (bool, error) {
	switch strings.TrimSpace(s) {
	case "", "no", "No", "NO", "false", "False", "FALSE", "false()", "0":
		return false, nil
	case "yes", "Yes", "YES", "true", "True", "TRUE", "true()", "1":
		return true, nil
	}
	return false, fmt.Errorf("expected yes or no, not %q (conditions in required are not supported yet)", s)
}
