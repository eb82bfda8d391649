package monitoring

import (
	"fmt"
	"time"
)

// RequestDays is how long an addressee has to answer a request for
// information (Regulation 6.1: within ten days).
const RequestDays = 10

// ReminderBefore is how early the secretary is reminded of a deadline.
const ReminderBefore = 2 * 24 * time.Hour

// Request is a request for information to a provider or an ayil okmotu
// department (4.2). Documents received in answer stay with the group (6.2).
type Request struct {
	ID           int64
	Municipality string
	Number       Number // shown as С-YYYY-NNNN (RequestNumber)
	Addressee    string
	Question     string
	Entries      []Number
	CreatedBy    int64 // member id
	CreatedAt    time.Time
	Deadline     time.Time
	Answer       string
	AnsweredAt   *time.Time
	Files        int
}

// RequestNumber shows a request's number: "С-2026-0001", Cyrillic С for
// суроо-талап (and сведения in Russian), one form in both languages. The
// letter keeps it apart from journal numbers ("2026-0042"), which residents
// type, and from act numbers ("3/2026").
func RequestNumber(n Number) string { return fmt.Sprintf("С-%s", n) }

// DeadlineFor is the end of the tenth day after the request, in Bishkek.
func DeadlineFor(created time.Time) time.Time {
	d := created.In(Bishkek)
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, Bishkek)
	return day.AddDate(0, 0, RequestDays+1).Add(-time.Second)
}

// RemindAt is when the secretary hears that two days are left: 09:00 in
// Bishkek, two days before the deadline day; not in the middle of the night.
func RemindAt(deadline time.Time) time.Time {
	d := deadline.In(Bishkek)
	return time.Date(d.Year(), d.Month(), d.Day()-2, 9, 0, 0, 0, Bishkek)
}

// OverdueAt is when the secretary hears the deadline passed: 09:00 on the
// day after it.
func OverdueAt(deadline time.Time) time.Time {
	d := deadline.In(Bishkek)
	return time.Date(d.Year(), d.Month(), d.Day()+1, 9, 0, 0, 0, Bishkek)
}

// Overdue reports whether the request is unanswered past its deadline.
func (r Request) Overdue(now time.Time) bool { return r.AnsweredAt == nil && now.After(r.Deadline) }
