package survey_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"bmjbt/survey"
)

// A random sample of the planned size: n distinct people, in their order;
// everyone when fewer subscribed than planned.
func TestSampleIsTheRightSizeAndDistinct(t *testing.T) {
	ids := make([]int64, 1000)
	for i := range ids {
		ids[i] = int64(i + 1)
	}
	r := rand.New(rand.NewPCG(1, 2))
	got := survey.Sample(ids, 100, r)
	if len(got) != 100 || !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != 100 {
		t.Fatalf("sample of 100: %d ids, sorted %v", len(got), slices.IsSorted(got))
	}
	if other := survey.Sample(ids, 100, rand.New(rand.NewPCG(3, 4))); slices.Equal(got, other) {
		t.Fatal("two seeds drew the same sample")
	}
	if all := survey.Sample(ids[:10], 100, r); len(all) != 10 {
		t.Fatalf("planned more than subscribed: %d", len(all))
	}
}

// A closed survey stays closed; a draft opens before it pauses.
func TestSurveyStates(t *testing.T) {
	for _, tc := range []struct {
		from, to survey.State
		ok       bool
	}{
		{survey.Draft, survey.Open, true}, {survey.Draft, survey.Paused, false}, {survey.Open, survey.Paused, true},
		{survey.Paused, survey.Open, true}, {survey.Open, survey.Closed, true}, {survey.Closed, survey.Open, false},
	} {
		if err := tc.from.Move(tc.to); (err == nil) != tc.ok {
			t.Errorf("%s → %s: %v", tc.from, tc.to, err)
		}
	}
}
