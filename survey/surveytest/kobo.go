// Package surveytest holds what several packages' survey tests share: the
// folder of real forms in survey/testdata/kobo, each as KoBoToolbox
// downloads it, with the conversations that answer it.
package surveytest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"go.yaml.in/yaml/v3"
)

// Fixture is one form of the folder: its workbook, cell by cell, and the
// people who answer it. A fixture file is YAML:
//
//	about: what the form shows
//	sheets:                  # in the workbook's order
//	  - name: survey
//	    rows:
//	      - [type, name, "label::Kyrgyz (ky)"]
//	      - [integer, n, Канча?, TRUE, 1, {num: 1, format: "0.0"}, {date: 2026-01-15}]
//	respondents:
//	  - lang: ru             # a resident, in their language…
//	    steps: [{expect: …}, {press: …}, {say: …}, {toggle: …}]
//	  - member: А. Осмонова  # …or a member recording in field mode
//
// A plain YAML string is a text cell, a number a number cell, TRUE a
// boolean cell, {num, format} a number shown in a format (KoBo's choice
// names typed as numbers), {date} a date cell.
type Fixture struct {
	Name        string       // the file's name without .yaml
	Dir         string       // the folder, where the golden files are
	About       string       `yaml:"about"`
	Sheets      []Sheet      `yaml:"sheets"`
	Respondents []Respondent `yaml:"respondents"`
}

// Sheet is one sheet of a fixture's workbook.
type Sheet struct {
	Name string  `yaml:"name"`
	Rows [][]any `yaml:"rows"`
}

// Respondent is one person who answers a fixture's form through a chat:
// a resident who reads Lang, or (Member set) a member recording a
// questionnaire in field mode.
type Respondent struct {
	Lang   string `yaml:"lang"`
	Member string `yaml:"member"`
	Steps  []Step `yaml:"steps"`
}

// Step is one turn: wait for a message containing Expect, press the button
// Press, type Say, or toggle a choice of a multiple-choice question (the
// label as shown unmarked; the test waits for it to be marked).
type Step struct {
	Expect string `yaml:"expect"`
	Press  string `yaml:"press"`
	Say    string `yaml:"say"`
	Toggle string `yaml:"toggle"`
}

// Dir is the folder of real forms, survey/testdata/kobo.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata", "kobo")
}

// Fixtures reads every form of the folder, in the order of their names.
func Fixtures(tb testing.TB) []Fixture {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(Dir(), "*.yaml"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no fixtures in %s: %v", Dir(), err)
	}
	slices.Sort(paths)
	var out []Fixture
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		var f Fixture
		if err := yaml.Unmarshal(data, &f); err != nil {
			tb.Fatalf("%s: %v", p, err)
		}
		f.Name, f.Dir = strings.TrimSuffix(filepath.Base(p), ".yaml"), Dir()
		out = append(out, f)
	}
	return out
}

// Golden is the path of one of the fixture's golden files.
func (f Fixture) Golden(suffix string) string { return filepath.Join(f.Dir, f.Name+suffix) }

// XLSX is the fixture's workbook, as KoBoToolbox's "Download XLS" gives it.
func (f Fixture) XLSX(tb testing.TB) *bytes.Buffer {
	tb.Helper()
	x := excelize.NewFile()
	defer x.Close()
	for i, s := range f.Sheets {
		if i == 0 {
			if err := x.SetSheetName("Sheet1", s.Name); err != nil {
				tb.Fatal(err)
			}
		} else if _, err := x.NewSheet(s.Name); err != nil {
			tb.Fatal(err)
		}
		for r, row := range s.Rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if err := setCell(x, s.Name, cell, v); err != nil {
					tb.Fatalf("%s: sheet %s, cell %s: %v", f.Name, s.Name, cell, err)
				}
			}
		}
	}
	var buf bytes.Buffer
	if _, err := x.WriteTo(&buf); err != nil {
		tb.Fatal(err)
	}
	return &buf
}

func setCell(x *excelize.File, sheet, cell string, v any) error {
	m, ok := v.(map[string]any)
	if !ok {
		if v == nil {
			return nil // a blank cell
		}
		return x.SetCellValue(sheet, cell, v)
	}
	switch {
	case m["num"] != nil:
		format := fmt.Sprint(m["format"])
		style, err := x.NewStyle(&excelize.Style{CustomNumFmt: &format})
		if err != nil {
			return err
		}
		if err := x.SetCellValue(sheet, cell, m["num"]); err != nil {
			return err
		}
		return x.SetCellStyle(sheet, cell, cell, style)
	case m["date"] != nil:
		d, ok := m["date"].(time.Time) // YAML reads 2026-01-15 as a time…
		if !ok {
			var err error // …or, quoted, as text
			if d, err = time.Parse("2006-01-02", fmt.Sprint(m["date"])); err != nil {
				return err
			}
		}
		style, err := x.NewStyle(&excelize.Style{NumFmt: 14})
		if err != nil {
			return err
		}
		if err := x.SetCellValue(sheet, cell, d); err != nil {
			return err
		}
		return x.SetCellStyle(sheet, cell, cell, style)
	}
	return fmt.Errorf("a cell %v is neither {num, format} nor {date}", m)
}
