package survey

import (
	"bytes"
	_ "embed"
	"fmt"
)

// templateYAML is the starting form: kept as YAML so that it also shows
// the YAML shape, and read by ReadYAML so it obeys every import rule.
//
//go:embed template.yaml
var templateYAML []byte

// Template is a starting form for `bmjbt survey template`: one question of
// each kind, a group with a relevant, a choice_filter and or_other, with
// texts in Kyrgyz and Russian.
func Template() *Form {
	f, err := ReadYAML(bytes.NewReader(templateYAML))
	if err != nil {
		// The file is part of the program and tested; this is a build bug.
		panic(fmt.Sprintf("survey: the built-in template does not import: %v", err))
	}
	return f
}

// TemplateYAML is the same starting form as YAML, with comments.
func TemplateYAML() []byte { return bytes.Clone(templateYAML) }
