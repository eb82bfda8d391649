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

// 3.5: the group elects a chair, a deputy chair and a secretary; the rest
// are members. A role is typed as its code or as the glossary's Kyrgyz or
// Russian word, in any case and spacing, also on a Russian keyboard.
func TestParseRoleReadsTheGlossarysWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want monitoring.Role
	}{
		{"chair", monitoring.Chair},
		{" Chair ", monitoring.Chair},
		{"төрага", monitoring.Chair},
		{"Төрага", monitoring.Chair},
		{"торага", monitoring.Chair}, // ө typed as о
		{"председатель", monitoring.Chair},
		{"ПРЕДСЕДАТЕЛЬ", monitoring.Chair},
		{"deputy", monitoring.Deputy},
		{"төраганын орун басары", monitoring.Deputy},
		{"Төраганын  орун\tбасары", monitoring.Deputy},
		{"орун басары", monitoring.Deputy},
		{"орунбасары", monitoring.Deputy},
		{"орунбасар", monitoring.Deputy}, // the Regulation's form (3.5, 3.6)
		{"заместитель председателя", monitoring.Deputy},
		{"Заместитель", monitoring.Deputy},
		{"secretary", monitoring.Secretary},
		{"катчы", monitoring.Secretary},
		{"секретарь", monitoring.Secretary},
		{"member", monitoring.Ordinary},
		{"мүчө", monitoring.Ordinary},
		{"мучо", monitoring.Ordinary},
		{"член группы", monitoring.Ordinary},
		{"член", monitoring.Ordinary},
	} {
		got, err := monitoring.ParseRole(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseRole(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", "  ", "boss", "төраганын", "председатель группы", "орун", "member member"} {
		if r, err := monitoring.ParseRole(in); monitoring.ErrorCode(err) != monitoring.EINVALID {
			t.Errorf("ParseRole(%q) = %q, %v; want invalid", in, r, err)
		}
	}
}

// /invite ROLE NAME: the role may take one to three words, and the name is
// what follows it.
func TestCutRoleLeavesTheName(t *testing.T) {
	for _, tc := range []struct {
		in   string
		role monitoring.Role
		rest string
	}{
		{"катчы Айгүл Асанова", monitoring.Secretary, "Айгүл Асанова"},
		{"member Айгүл", monitoring.Ordinary, "Айгүл"},
		{"төраганын орун басары Гүлнара Кандарова", monitoring.Deputy, "Гүлнара Кандарова"},
		{"орун басары Гүлнара", monitoring.Deputy, "Гүлнара"},
		{"заместитель председателя  Иванова Анна", monitoring.Deputy, "Иванова Анна"},
		{"заместитель Иванова", monitoring.Deputy, "Иванова"},
		{"член группы Султанова", monitoring.Ordinary, "Султанова"},
		{"член Султанова", monitoring.Ordinary, "Султанова"},
		{"мүчө Член Группы", monitoring.Ordinary, "Член Группы"}, // a name that reads like a role stays the name
		{"төрага", monitoring.Chair, ""},                         // no name: the caller asks for it
	} {
		role, rest, err := monitoring.CutRole(tc.in)
		if err != nil || role != tc.role || rest != tc.rest {
			t.Errorf("CutRole(%q) = %q, %q, %v; want %q, %q", tc.in, role, rest, err, tc.role, tc.rest)
		}
	}
	for _, in := range []string{"", "Айгүл Асанова катчы", "boss Айгүл"} {
		if r, rest, err := monitoring.CutRole(in); monitoring.ErrorCode(err) != monitoring.EINVALID {
			t.Errorf("CutRole(%q) = %q, %q, %v; want invalid", in, r, rest, err)
		}
	}
}

// 6.3: a member related to a provider takes no part in monitoring its
// service. The member declares it per service; only that service is barred.
func TestRecusedFromOnlyTheDeclaredServices(t *testing.T) {
	related := monitoring.Member{ID: 1, Role: monitoring.Ordinary, Recused: []string{"roads", "water"}}
	none := monitoring.Member{ID: 2, Role: monitoring.Chair}
	muni := &monitoring.Municipality{Providers: []monitoring.Provider{{Code: "dep", Services: []string{"roads"}}}}
	for _, tc := range []struct {
		m       monitoring.Member
		service string
		recused bool
	}{
		{related, "water", true},
		{related, "roads", true},
		{related, "schools", false},
		{related, "", false},
		{related, "Water", false}, // service codes come from the config, exactly
		{none, "water", false},
		{none, "", false},
	} {
		if got := tc.m.RecusedFromObject(muni, tc.service); got != tc.recused {
			t.Errorf("member %d RecusedFromObject(%q) = %v, want %v", tc.m.ID, tc.service, got, tc.recused)
		}
	}
	// A member related to a provider takes no part in monitoring the
	// services it provides, nor the provider itself (6.3).
	cousin := monitoring.Member{ID: 3, Recused: []string{"provider:dep", "project:kensai-pump"}}
	for target, want := range map[string]bool{"roads": true, "provider:dep": true, "project:kensai-pump": true, "water": false, "project:other": false} {
		if got := cousin.RecusedFromObject(muni, target); got != want {
			t.Errorf("recused from provider:dep and project:kensai-pump; %q = %v, want %v", target, got, want)
		}
	}
}

// Who makes invite codes is the group's practice, not the Regulation's: the
// chair, or the deputy who stands in for the chair (3.6), while active.
func TestMayInvite(t *testing.T) {
	removed := &monitoring.Removal{Reason: monitoring.OwnRequest}
	for _, tc := range []struct {
		m   monitoring.Member
		may bool
	}{
		{monitoring.Member{Role: monitoring.Chair}, true},
		{monitoring.Member{Role: monitoring.Deputy}, true},
		{monitoring.Member{Role: monitoring.Secretary}, false},
		{monitoring.Member{Role: monitoring.Ordinary}, false},
		{monitoring.Member{Role: monitoring.Chair, Removed: removed}, false},
		{monitoring.Member{Role: monitoring.Deputy, Removed: removed}, false},
	} {
		if got := tc.m.MayInvite(); got != tc.may {
			t.Errorf("%s (removed %v) MayInvite = %v, want %v", tc.m.Role, tc.m.Removed != nil, got, tc.may)
		}
	}
}
