package monitoring_test

import (
	"testing"

	"bmjbt/monitoring"
)

// The flood limit is the municipality's setting (entries_per_hour), not the
// Regulation's: the limit itself is allowed, one more is not.
func TestFloodAllowsUpToTheLimit(t *testing.T) {
	for _, tc := range []struct {
		n, limit int
		allows   bool
	}{
		{0, 10, true},
		{9, 10, true},
		{10, 10, false},
		{11, 10, false},
		{0, 1, true},
		{1, 1, false},
		{100, 0, true}, // no limit set
		{100, -1, true},
	} {
		if got := monitoring.FloodAllows(tc.n, tc.limit); got != tc.allows {
			t.Errorf("FloodAllows(%d, %d) = %v, want %v", tc.n, tc.limit, got, tc.allows)
		}
	}
}
