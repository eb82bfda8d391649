package monitoring

import (
	"fmt"
	"strings"
	"time"
)

// UndoWindow is how long the member who changed a status may undo it.
// Residents hear of a change only once the window has passed, so an undone
// mistake never reaches them. The window is the group's practice, not a
// rule of the Regulation.
const UndoWindow = 10 * time.Minute

// UndoPrefix starts the reason of the audit row an undo writes.
const UndoPrefix = "undo #"

// UndoReason is the reason written on the audit row that undoes change id.
func UndoReason(id int64) string { return fmt.Sprintf("%s%d", UndoPrefix, id) }

// IsUndo reports whether ev is the row an undo wrote.
func (ev Event) IsUndo() bool { return strings.HasPrefix(ev.Reason, UndoPrefix) }

// CanUndo says whether member may undo change ev at now. Only the member who
// made a change may undo it, so a change by a resident or by the system is
// nobody's to undo (EUNAUTHORIZED); a change is undone once, within
// UndoWindow, and an undo is not itself undone: the member makes the change
// again (ECONFLICT). The zero Event is a change that does not exist
// (ENOTFOUND).
func CanUndo(ev Event, member int64, now time.Time) error {
	switch {
	case ev.ID == 0:
		return Errorf(ENOTFOUND, "no such change")
	case ev.MemberID == 0 || ev.MemberID != member:
		return Errorf(EUNAUTHORIZED, "only the member who made a change may undo it")
	case ev.Undone:
		return Errorf(ECONFLICT, "already undone")
	case ev.IsUndo():
		return Errorf(ECONFLICT, "an undo cannot itself be undone")
	case now.Sub(ev.At) > UndoWindow:
		return Errorf(ECONFLICT, "too late to undo")
	}
	return nil
}

// Revert returns e as it was before change ev, at now. Only the entry's
// latest change can be undone (latest is the id of the entry's newest audit
// row): undoing an older one would silently drop what came after it.
func (e Entry) Revert(ev Event, latest int64, now time.Time) (Entry, error) {
	if ev.EntryID != e.ID || ev.ID != latest || e.Status != ev.To {
		return e, Errorf(ECONFLICT, "the entry changed since")
	}
	out := e
	out.Status, out.UpdatedAt, out.MergedInto = ev.From, now, 0
	if ev.From == Received {
		out.TakenBy = 0 // back to nobody's
	}
	return out, nil
}
