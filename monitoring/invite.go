package monitoring

import "time"

// InviteTTL is how long an invite code works. One-time, expiring codes are
// the group's practice (DESIGN.md), not a rule of the Regulation.
const InviteTTL = 72 * time.Hour

// Invite is a one-time code with which someone joins the group in a role,
// made by the chair, the deputy or the operator; storage keeps only its hash.
type Invite struct {
	ID           int64
	Municipality string
	Role         Role
	Name         string // as the council approved the member (3.4)
	CreatedBy    string
	CreatedAt    time.Time
	ExpiresAt    time.Time
	UsedAt       *time.Time
	// LinkMember is set on a link code: a member already in the group
	// binding one more channel to the same membership.
	LinkMember int64
}

// NewInvite is an invite made at now, working for InviteTTL.
func NewInvite(municipality string, role Role, name, createdBy string, now time.Time) Invite {
	return Invite{Municipality: municipality, Role: role, Name: name, CreatedBy: createdBy, CreatedAt: now, ExpiresAt: now.Add(InviteTTL)}
}

// Usable says whether the invite may be used at now: once, before it
// expires. A wrong code (the zero Invite), a used one and an expired one get
// the same EUNAUTHORIZED, so guessing learns nothing.
func (i Invite) Usable(now time.Time) error {
	if i.ID == 0 || i.UsedAt != nil || !now.Before(i.ExpiresAt) {
		return Errorf(EUNAUTHORIZED, "the code is wrong, used or expired")
	}
	return nil
}

// RoomFor says whether someone could join the group in role beside members
// (removed ones do not count): the group has at most MaxMembers (3.4), and
// one chair, one deputy chair and one secretary (3.5). Refusals are
// ECONFLICT.
func RoomFor(role Role, members []Member) error {
	n, held := 0, false
	for _, m := range members {
		if !m.Active() {
			continue
		}
		n++
		held = held || m.Role == role
	}
	if n >= MaxMembers {
		return Errorf(ECONFLICT, "the group already has %d members, the most Regulation 3.4 allows", n)
	}
	if role.Unique() && held {
		return Errorf(ECONFLICT, "the group already has a %s (3.5: one at a time); remove them first", role)
	}
	return nil
}
