package monitoring_test

import (
	"fmt"
	"testing"
	"time"

	"bmjbt/monitoring"
)

// Invites are one-time and expire after InviteTTL: the group's practice
// (DESIGN.md), not the Regulation's.
func TestInviteUsableOnceBeforeItExpires(t *testing.T) {
	made := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	inv := monitoring.NewInvite("sadyrbaev", monitoring.Secretary, "Айгүл Асанова", "operator", made)
	inv.ID = 1
	if !inv.ExpiresAt.Equal(made.Add(72 * time.Hour)) {
		t.Fatalf("expires at %v, want 72 h after %v", inv.ExpiresAt, made)
	}
	used := inv
	usedAt := made.Add(time.Hour)
	used.UsedAt = &usedAt
	for _, tc := range []struct {
		name string
		inv  monitoring.Invite
		now  time.Time
		code string
	}{
		{"at once", inv, made, ""},
		{"a second before it expires", inv, made.Add(monitoring.InviteTTL - time.Second), ""},
		{"when it expires", inv, made.Add(monitoring.InviteTTL), monitoring.EUNAUTHORIZED},
		{"a day late", inv, made.Add(monitoring.InviteTTL + 24*time.Hour), monitoring.EUNAUTHORIZED},
		{"used already", used, made.Add(2 * time.Hour), monitoring.EUNAUTHORIZED},
		{"a wrong code", monitoring.Invite{}, made, monitoring.EUNAUTHORIZED},
	} {
		if got := monitoring.ErrorCode(tc.inv.Usable(tc.now)); got != tc.code {
			t.Errorf("%s: code %q, want %q", tc.name, got, tc.code)
		}
	}
}

// 3.4: at most 11 members; 3.5: one chair, one deputy chair, one secretary.
func TestRoomFor(t *testing.T) {
	group := func(roles ...monitoring.Role) []monitoring.Member {
		var ms []monitoring.Member
		for i, r := range roles {
			ms = append(ms, monitoring.Member{ID: int64(i + 1), Name: fmt.Sprint("m", i), Role: r})
		}
		return ms
	}
	ordinary := func(n int) []monitoring.Role {
		rs := make([]monitoring.Role, n)
		for i := range rs {
			rs[i] = monitoring.Ordinary
		}
		return rs
	}
	leadership := []monitoring.Role{monitoring.Chair, monitoring.Deputy, monitoring.Secretary}
	formerChair := group(monitoring.Chair, monitoring.Ordinary)
	formerChair[0].Removed = &monitoring.Removal{Reason: monitoring.OwnRequest}
	full := group(ordinary(11)...)
	fullWithOneRemoved := group(ordinary(11)...)
	fullWithOneRemoved[3].Removed = &monitoring.Removal{Reason: monitoring.Absence}
	for _, tc := range []struct {
		name    string
		role    monitoring.Role
		members []monitoring.Member
		code    string
	}{
		{"the first chair", monitoring.Chair, nil, ""},
		{"a second chair", monitoring.Chair, group(leadership...), monitoring.ECONFLICT},
		{"a second deputy", monitoring.Deputy, group(leadership...), monitoring.ECONFLICT},
		{"a second secretary", monitoring.Secretary, group(leadership...), monitoring.ECONFLICT},
		{"a fourth member beside the three", monitoring.Ordinary, group(leadership...), ""},
		{"a chair after the last one left", monitoring.Chair, formerChair, ""},
		{"a deputy beside a chair", monitoring.Deputy, group(monitoring.Chair), ""},
		{"an eleventh member", monitoring.Ordinary, group(ordinary(10)...), ""},
		{"a twelfth member", monitoring.Ordinary, full, monitoring.ECONFLICT},
		{"a chair into a full group", monitoring.Chair, full, monitoring.ECONFLICT},
		{"a member where one of eleven left", monitoring.Ordinary, fullWithOneRemoved, ""},
	} {
		if got := monitoring.ErrorCode(monitoring.RoomFor(tc.role, tc.members)); got != tc.code {
			t.Errorf("%s: code %q, want %q", tc.name, got, tc.code)
		}
	}
}
