package monitoring

import "time"

// JournalLine is an entry as the journal's table shows it: with how many
// files it has, what its resident added later and, only when the operator
// asked for personal data, the contact left with it.
type JournalLine struct {
	Entry
	Files     int // every file of the entry: the resident's and the group's
	Contact   Contact
	Additions []Addition // oldest first
}

// Addition is something the resident sent about an entry after it was
// registered: more text, a photo, a voice message.
type Addition struct {
	At    time.Time
	Text  string
	Files int
}
