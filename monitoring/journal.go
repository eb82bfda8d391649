package monitoring

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Number is a journal number: per municipality and per year, shown as
// YYYY-NNNN (e.g. 2025-0042). Numbers have no gaps and are never reused:
// the journal is the register that Regulation 5.6 asks for.
type Number struct {
	Year int
	Seq  int
}

func (n Number) String() string { return fmt.Sprintf("%04d-%04d", n.Year, n.Seq) }

// IsZero reports whether n is the zero Number.
func (n Number) IsZero() bool { return n.Year == 0 && n.Seq == 0 }

// ParseNumber reads a journal number as residents type it: "2025-0042",
// "2025-42", "2025/42", "№2025-0042" or with spaces around.
func ParseNumber(s string) (Number, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimLeft(s, "№#N ")
	sep := strings.IndexAny(s, "-/ .")
	if sep < 0 {
		return Number{}, Errorf(EINVALID, "journal number %q is not YYYY-NNNN", s)
	}
	year, err1 := strconv.Atoi(s[:sep])
	seq, err2 := strconv.Atoi(strings.TrimSpace(s[sep+1:]))
	if err1 != nil || err2 != nil || year < 2000 || year > 9999 || seq < 1 {
		return Number{}, Errorf(EINVALID, "journal number %q is not YYYY-NNNN", s)
	}
	return Number{Year: year, Seq: seq}, nil
}

// Status is where an entry stands. Entries are never deleted; they move
// between statuses and every move is written to the audit.
type Status string

const (
	Received Status = "received"
	InReview Status = "in_review"
	Verified Status = "verified"
	Rejected Status = "rejected"
	Resolved Status = "resolved"
	Merged   Status = "merged"
)

// Statuses lists every status in the order of an entry's life.
var Statuses = []Status{Received, InReview, Verified, Rejected, Resolved, Merged}

// ParseStatus accepts a status name as written in Statuses.
func ParseStatus(s string) (Status, error) {
	for _, st := range Statuses {
		if string(st) == s {
			return st, nil
		}
	}
	return "", Errorf(EINVALID, "unknown status %q (one of received, in_review, verified, rejected, resolved, merged)", s)
}

// Channel says how an entry or message reached the group.
type Channel string

const (
	Telegram Channel = "telegram"
	WhatsApp Channel = "whatsapp"
	Console  Channel = "console"
	InPerson Channel = "in_person"
	Phone    Channel = "phone"
)

// Entry is one record of the complaints journal. The resident's identity and
// contact are kept apart (see Contact); an Entry alone carries no personal data.
type Entry struct {
	ID           int64
	Municipality string
	Number       Number
	Status       Status
	Village      string // village code from the municipality's config
	Service      string // service code, or OtherService
	Description  string
	Location     *Location
	Channel      Channel
	Anonymous    bool
	ResidentID   int64 // 0 when registered without a resident (e.g. in person)
	TakenBy      int64 // the member who took it, 0 if nobody
	MergedInto   int64 // the entry this one duplicates, when merged
	Feedback     Feedback
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Media        []Media
}

// Location is a point a resident shared.
type Location struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// Contact is the personal data a resident chose to leave with an entry.
type Contact struct {
	Name  string `json:"name,omitempty" db:"name"`
	Phone string `json:"phone,omitempty" db:"phone"`
	// Found is personal data the resident typed into the text (phone
	// numbers, e-mail addresses), masked there and kept here.
	Found []string `json:"found,omitempty" db:"-"`
}

// Event is one row of an entry's audit: who changed what, when and why.
type Event struct {
	ID       int64
	MemberID int64
	Undone   bool
	EntryID  int64
	Actor    string
	At       time.Time
	From     Status
	To       Status
	Reason   string
}

// Filter selects journal entries. Zero fields match everything.
type Filter struct {
	Status  Status
	Village string
	Service string
	From    time.Time // inclusive
	To      time.Time // exclusive
	Limit   int
	// Open keeps entries still waiting for the group (received, in review, verified).
	Open bool
	// TakenBy keeps entries a member took.
	TakenBy int64
}

// MediaKind is the kind of evidence attached to an entry.
type MediaKind string

const (
	Photo    MediaKind = "photo"
	Voice    MediaKind = "voice"
	Audio    MediaKind = "audio"
	Video    MediaKind = "video"
	Document MediaKind = "document"
)

// MaxMediaBytes is the largest file kept: the Bot API serves files up to 20 MB.
const MaxMediaBytes = 20 << 20

// MediaState says whether a file has been fetched into the store yet.
type MediaState string

const (
	MediaPending  MediaState = "pending"
	MediaStored   MediaState = "stored"
	MediaTooLarge MediaState = "too_large"
	MediaFailed   MediaState = "failed"
)

// Media is a file attached to an entry, fetched from the channel and kept in
// the store so evidence survives if the channel drops it.
type Media struct {
	ID      int64
	EntryID int64
	// ResidentID is who sent it: told if it turns out too large.
	ResidentID int64
	Kind       MediaKind
	Channel    Channel
	FileID     string
	Mime       string
	Size       int64
	State      MediaState
	Error      string
	Created    time.Time
	Fetched    *time.Time
	Attempts   int
}

// Resident is someone who wrote to the bot. The channel's user id and any
// phone number are kept by storage apart from this and from entries.
type Resident struct {
	ID           int64
	Municipality string
	Channel      Channel
	UserRef      string // the channel's user id: personal data
	ChatID       string
	Lang         Lang // "" until the resident chose one
	CreatedAt    time.Time
}

// Change is an action applied to an entry.
type Change struct {
	Action   Action
	Actor    string // "member:7", "resident", "system"
	MemberID int64
	Reason   string // why rejected, what was done, or the resident's feedback
	Into     int64  // for a merge: the entry this one duplicates
}

// Note is a note on an entry: a member's verification finding (4.3) or
// what a resident added (MemberID 0).
type Note struct {
	ID       int64
	Author   string
	MemberID int64
	Text     string
	MediaID  int64
	At       time.Time
}

// Consent is a resident's yes or no to being asked surveys, with when and
// how it was given (Regulation 5.6 surveys ask only those who agreed).
type Consent struct {
	ResidentID int64
	Given      bool
	How        string // subscribe, offer, stop…
	Village    string // where they live, for targeting
	At         time.Time
}
