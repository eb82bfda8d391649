package monitoring

import (
	"strings"
	"time"
)

// Role is a member's place in the group (Regulation 3.5: the group elects a
// chair, a deputy chair and a secretary from its members).
type Role string

const (
	Chair     Role = "chair"
	Deputy    Role = "deputy"
	Secretary Role = "secretary"
	Ordinary  Role = "member"
)

// Roles lists every role.
var Roles = []Role{Chair, Deputy, Secretary, Ordinary}

// roleNames are what a chair or an operator may type for a role: the codes,
// and the glossary's Kyrgyz and Russian words with their short forms (and
// the Regulation's «орунбасар» beside the decisions' «орун басары»).
var roleNames = map[Role][]string{
	Chair:     {"chair", "төрага", "председатель"},
	Deputy:    {"deputy", "төраганын орун басары", "орун басары", "орунбасар", "заместитель председателя", "заместитель"},
	Secretary: {"secretary", "катчы", "секретарь"},
	Ordinary:  {"member", "мүчө", "член группы", "член"},
}

// roleKey forgives case, spacing and a Russian keyboard: «Орун  басары»,
// «орунбасары» and «торага» for «төрага» all read the same.
func roleKey(words []string) string {
	return strings.NewReplacer("ң", "н", "ө", "о", "ү", "у", "ё", "е").Replace(strings.ToLower(strings.Join(words, "")))
}

// roleWords finds a role by its key; maxRoleWords is the longest name, in
// words («төраганын орун басары»).
var roleWords, maxRoleWords = func() (map[string]Role, int) {
	keys, longest := map[string]Role{}, 0
	for r, names := range roleNames {
		for _, name := range names {
			keys[roleKey(strings.Fields(name))] = r
			longest = max(longest, len(strings.Fields(name)))
		}
	}
	return keys, longest
}()

func lookupRole(words []string) (Role, bool) {
	r, ok := roleWords[roleKey(words)]
	return r, ok
}

// ParseRole accepts a role's code or its Kyrgyz or Russian name.
func ParseRole(s string) (Role, error) {
	if r, ok := lookupRole(strings.Fields(s)); ok {
		return r, nil
	}
	return "", Errorf(EINVALID, "unknown role %q (one of chair, deputy, secretary, member, or their Kyrgyz or Russian names)", s)
}

// CutRole reads the role that s starts with, longest name first, and returns
// what follows it: "катчы Айгүл Асанова" gives Secretary and "Айгүл Асанова",
// "заместитель председателя Иванова" gives Deputy and "Иванова".
func CutRole(s string) (role Role, rest string, err error) {
	words := strings.Fields(s)
	for n := min(maxRoleWords, len(words)); n > 0; n-- {
		if r, ok := lookupRole(words[:n]); ok {
			return r, strings.Join(words[n:], " "), nil
		}
	}
	return "", "", Errorf(EINVALID, "%q does not start with a role (chair, deputy, secretary, member, or their Kyrgyz or Russian names)", s)
}

// Unique reports whether only one member at a time may hold the role (3.5).
func (r Role) Unique() bool { return r == Chair || r == Deputy || r == Secretary }

// Group size (3.4): the council approves a group of no fewer than 5 and no
// more than 11 members. The Regulation says the bound takes "the quorum for
// collective decisions into account", but it is a bound on the group's size,
// not a quorum of a sitting: it gives no figure for how many must attend.
const (
	MinMembers = 5
	MaxMembers = 11
)

// GroupSizeFits reports whether a group of n active members is within the
// size 3.4 sets. The bot and the command line say so when it is not;
// RoomFor refuses a twelfth member.
func GroupSizeFits(n int) bool { return n >= MinMembers && n <= MaxMembers }

// RemovalReason is why a member left early (3.4).
type RemovalReason string

const (
	OwnRequest RemovalReason = "own-request"
	Health     RemovalReason = "health"
	Absence    RemovalReason = "absence" // missed three meetings
	Ethics     RemovalReason = "ethics"
	Incapacity RemovalReason = "incapacity"
)

// ParseRemovalReason accepts a reason from 3.4.
func ParseRemovalReason(s string) (RemovalReason, error) {
	for _, r := range []RemovalReason{OwnRequest, Health, Absence, Ethics, Incapacity} {
		if string(r) == s {
			return r, nil
		}
	}
	return "", Errorf(EINVALID, "unknown reason %q (one of own-request, health, absence, ethics, incapacity: Regulation 3.4)", s)
}

// Member is a member of the group. How they are reached on each channel is
// kept by storage apart from this.
type Member struct {
	ID           int64
	Municipality string
	Name         string
	Role         Role
	JoinedAt     time.Time
	Removed      *Removal
	// Recused lists the service codes the member declared a conflict of
	// interest for (6.3): they take no part in monitoring those.
	Recused []string
	// Approval is the council's decision on the member (3.4); nil while it
	// is awaited: the member works the journal but is not counted for 3.4,
	// does not sign acts and does not vote.
	Approval *Approval
	// NominatedBy and Affiliation are as the council's decision writes
	// them (3.3): "community"; «а/ө соц адиси».
	NominatedBy Nominator
	Affiliation string
}

// Removal records an early removal (3.4).
type Removal struct {
	At     time.Time
	Reason RemovalReason
}

// Active reports whether the member is still in the group.
func (m Member) Active() bool { return m.Removed == nil }

// MayLaunch reports whether the member may send a survey to residents:
// the chair (or the deputy standing in) and the secretary, who keeps the
// group's papers.
func (m Member) MayLaunch() bool {
	return m.Active() && (m.Role == Chair || m.Role == Deputy || m.Role == Secretary)
}

// MayApprove reports whether the member may record the council's decision
// on a member (3.4): the chair, who represents the group at the council (3.6).
func (m Member) MayApprove() bool { return m.Active() && m.Role == Chair }

// MayInvite reports whether the member may invite others: the chair, or the
// deputy who stands in for the chair (3.6).
func (m Member) MayInvite() bool { return m.Active() && (m.Role == Chair || m.Role == Deputy) }
