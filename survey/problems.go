package survey

import (
	"errors"
	"fmt"
)

// maxProblems caps the errors one import reports: enough to fix a form in
// one pass, not a screenful for a form that is not an XLSForm at all.
const maxProblems = 20

// problems collects what is wrong with a form, each naming its place, so
// the operator fixes them all at once instead of one import at a time.
type problems struct {
	list []error
	more int
}

// add records a problem at where ("survey sheet, row 7, column C "type"").
func (p *problems) add(where, format string, args ...any) {
	if len(p.list) >= maxProblems {
		p.more++
		return
	}
	p.list = append(p.list, fmt.Errorf("%s: %s", where, fmt.Sprintf(format, args...)))
}

// addErr records a problem that callers may recognise (errors.As).
func (p *problems) addErr(where string, err error) {
	if len(p.list) >= maxProblems {
		p.more++
		return
	}
	p.list = append(p.list, fmt.Errorf("%s: %w", where, err))
}

func (p *problems) empty() bool { return len(p.list) == 0 }

// err joins the problems, one a line, or gives nil when there are none.
func (p *problems) err() error {
	if p.more > 0 {
		return errors.Join(append(p.list, fmt.Errorf("… and %d more problems", p.more))...)
	}
	return errors.Join(p.list...)
}
