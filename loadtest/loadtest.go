// Package loadtest measures bmjbt under load: the real binary serving the
// Bot API fake over loopback HTTP, against the bare speed of the same
// database. Run it with `make bench`.
package loadtest
