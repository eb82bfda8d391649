// Package monitoring holds the domain of the Joint Monitoring and Evaluation
// Group (БМжБТ): the complaints journal, statuses, residents and the
// municipality they live in. It does no I/O; storage and bot build on it.
package monitoring

import (
	"time"
	_ "time/tzdata" // documents and deadlines use Asia/Bishkek even on a PC without tzdata
)

// Bishkek is the time zone of every date shown in documents and deadlines.
var Bishkek = mustLoad("Asia/Bishkek")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}
