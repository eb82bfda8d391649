package monitoring_test

import (
	"testing"

	"bmjbt/monitoring"
)

// 3.4: the council approves a group of no fewer than 5 and no more than 11
// members; a bound on the group's size, not a quorum of a sitting.
func TestGroupSizeFits(t *testing.T) {
	for _, tc := range []struct {
		n    int
		fits bool
	}{
		{0, false},
		{4, false},
		{5, true},
		{8, true},
		{11, true},
		{12, false},
	} {
		if got := monitoring.GroupSizeFits(tc.n); got != tc.fits {
			t.Errorf("GroupSizeFits(%d) = %v, want %v", tc.n, got, tc.fits)
		}
	}
}
