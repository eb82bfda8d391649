package monitoring

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The monitoring act (акт): the group's main, official document, with real
// findings on the quality and accessibility of services and
// recommendations; every member signs it (Regulation 7.2). It goes to the
// community, the ayil okmotu head and the council (7.1); local government
// and the community must consider its recommendations (7.6).

// ActState is where an act is in its life: drafted, sent for signature,
// final (numbered, never changed again), or withdrawn (never numbered).
type ActState string

const (
	ActDraft     ActState = "draft"
	ActSent      ActState = "sent"
	ActFinal     ActState = "final"
	ActWithdrawn ActState = "withdrawn"
)

// ActNumber numbers final acts per municipality and year: 3/2026, the
// third act that became final in 2026. Drafts and withdrawn acts have
// none, so the numbers have no gaps.
type ActNumber struct{ Year, Seq int }

func (n ActNumber) String() string { return fmt.Sprintf("%d/%d", n.Seq, n.Year) }

// IsZero reports whether the act has no number yet.
func (n ActNumber) IsZero() bool { return n.Seq == 0 }

// ParseActNumber reads "3/2026" or "№ 3/2026".
func ParseActNumber(s string) (ActNumber, bool) {
	n, ok := ParseMinutesNumber(s)
	return ActNumber(n), ok
}

// Method is a monitoring method of 5.6.
type Method string

const (
	MethodDocuments     Method = "documents"      // документтер менен иштөө
	MethodInterviews    Method = "interviews"     // негизги маалымат берүүчүлөрдү сурамжылоо
	MethodFocusGroups   Method = "focus-groups"   // фокус топтогу талкуулоо (8–12 people)
	MethodGroupSurveys  Method = "group-surveys"  // жамаат топторду сурамжылоо
	MethodReportCards   Method = "report-cards"   // жарандардын отчеттук карточкалары
	MethodObservation   Method = "observation"    // түздөн-түз байкоо
	MethodQuestionnaire Method = "questionnaires" // сурамжылоо (анкеталарды таратуу)
	MethodMessages      Method = "messages"       // WhatsApp messages registered in the journal
	MethodComplaints    Method = "complaints"     // checking residents' applications and complaints
)

// Methods lists 5.6's methods in the Regulation's order.
var Methods = []Method{MethodDocuments, MethodInterviews, MethodFocusGroups, MethodGroupSurveys, MethodReportCards,
	MethodObservation, MethodQuestionnaire, MethodMessages, MethodComplaints}

// ParseMethods reads methods separated by commas: "observation,questionnaires".
func ParseMethods(s string) ([]Method, error) {
	var out []Method
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' }) {
		m := Method(strings.ToLower(f))
		if !slices.Contains(Methods, m) {
			return nil, Errorf(EINVALID, "method %q is not one of Regulation 5.6's: %s", f, joinMethods(Methods))
		}
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out, nil
}

func joinMethods(ms []Method) string {
	s := make([]string, len(ms))
	for i, m := range ms {
		s[i] = string(m)
	}
	return strings.Join(s, ", ")
}

// Expert is someone the group invited (4.2): named in the act, not a
// member, and does not sign it.
type Expert struct {
	Name string
	Role string
}

// ParseExpert reads "Name, role".
func ParseExpert(s string) (Expert, error) {
	name, role, _ := strings.Cut(s, ",")
	e := Expert{Name: strings.TrimSpace(name), Role: strings.TrimSpace(role)}
	if e.Name == "" {
		return Expert{}, Errorf(EINVALID, "expert %q: write the name, a comma and the role: \"А. Асанов, инженер\"", s)
	}
	return e, nil
}

// EvidenceKind is what an act links to as evidence.
type EvidenceKind string

const (
	EvidenceEntry   EvidenceKind = "entry"   // a journal entry, with its status and notes
	EvidenceSurvey  EvidenceKind = "survey"  // a survey's or report card's results
	EvidenceRequest EvidenceKind = "request" // an information request and its answer (6.1)
)

// Evidence is a link from an act to what it rests on: the entry, survey or
// request stays where it is and is read from there, never copied, so the
// act carries no resident's name or phone and no received file (6.2).
type Evidence struct {
	Kind     EvidenceKind
	TargetID int64
	// Label is how the target is shown: "2026-0042", "С-2026-0001",
	// "survey 3". Storage fills it; it is not part of the act's text.
	Label string
	// Reverified is the group's duty of 4.3: the information was checked
	// again before it went into the act.
	Reverified bool
}

// Source is a document the group received and cites (6.2): the act names
// it and never carries it.
type Source struct {
	Title    string
	From     string    // who gave it
	Received time.Time // a day
	// RequestID is the information request it answered, if any; Request
	// is that request's number as shown (С-2026-0001), filled by storage.
	RequestID int64
	Request   string
}

// Addressees of every act besides the recommendations' own (7.1).
const (
	AddresseeHead    = "head"    // айыл өкмөтүнүн башчысы
	AddresseeCouncil = "council" // айылдык кеңеш
)

// Recommendation is a numbered recommendation with its addressee; after
// the act is final, what the addressee did with it (7.6).
type Recommendation struct {
	ID         int64
	Addressee  string
	Text       string
	Considered *Consideration
	Declined   *Declination
	CarriedOut *Fulfilment
}

// Consideration is the duty of 7.6 met: who considered it, when, and the
// paper that shows it (a council decision, an order, a letter number).
type Consideration struct {
	By  string
	On  time.Time
	Ref string
}

// Declination is the addressee declining the recommendation, with the
// reason it gave.
type Declination struct {
	Reason string
	On     time.Time
}

// Fulfilment is a recommendation carried out: voluntary (7.6), recorded
// apart from its consideration.
type Fulfilment struct {
	On   time.Time
	Note string
}

// RecStatus is where a recommendation stands after the act is final.
type RecStatus string

const (
	RecNotDelivered RecStatus = "not-delivered"
	RecDelivered    RecStatus = "delivered" // delivered, not yet considered: the duty of 7.6 is open
	RecConsidered   RecStatus = "considered"
	RecDeclined     RecStatus = "declined"
)

// Status is the recommendation's status given the act's deliveries.
func (r Recommendation) Status(deliveries []ActDelivery) RecStatus {
	switch {
	case r.Considered != nil:
		return RecConsidered
	case r.Declined != nil:
		return RecDeclined
	case slices.ContainsFunc(deliveries, func(d ActDelivery) bool { return sameAddressee(d.Addressee, r.Addressee) }):
		return RecDelivered
	}
	return RecNotDelivered
}

// Consider records that the addressee considered the recommendation
// (7.6): who, when and a reference are all needed.
func (r *Recommendation) Consider(c Consideration) error {
	c.By, c.Ref = strings.TrimSpace(c.By), strings.TrimSpace(c.Ref)
	if c.By == "" || c.On.IsZero() || c.Ref == "" {
		return Errorf(EINVALID, "a recommendation is considered (Regulation 7.6) only with who considered it, when, and a reference: a council decision, an order or a letter number")
	}
	if r.Considered != nil || r.Declined != nil {
		return Errorf(ECONFLICT, "what the addressee did with this recommendation is already recorded")
	}
	r.Considered = &c
	return nil
}

// Decline records that the addressee declined it, with its reason.
func (r *Recommendation) Decline(d Declination) error {
	d.Reason = strings.TrimSpace(d.Reason)
	if d.Reason == "" || d.On.IsZero() {
		return Errorf(EINVALID, "a declined recommendation needs the addressee's reason and the day")
	}
	if r.Considered != nil || r.Declined != nil {
		return Errorf(ECONFLICT, "what the addressee did with this recommendation is already recorded")
	}
	r.Declined = &d
	return nil
}

// CarryOut records that it was carried out (voluntary, 7.6).
func (r *Recommendation) CarryOut(f Fulfilment) error {
	if f.On.IsZero() {
		return Errorf(EINVALID, "give the day it was carried out")
	}
	if r.CarriedOut != nil {
		return Errorf(ECONFLICT, "this recommendation is already recorded as carried out")
	}
	r.CarriedOut = &f
	return nil
}

// ActDelivery is the final act handed to one addressee (7.1).
type ActDelivery struct {
	ID        int64
	Addressee string
	On        time.Time // a day
	How       string    // by hand, a letter with its incoming number, a messenger
	By        string    // who delivered it
}

// CommentKind is what a stakeholder's word on a final act is (8.11).
type CommentKind string

const (
	CommentComment    CommentKind = "comment"
	CommentObjection  CommentKind = "objection"
	CommentDiscussion CommentKind = "discussion" // the outcome of a discussion with stakeholders
)

// ActComment is a provider's written comment or objection, or the outcome
// of a discussion with stakeholders: recorded with the act and shown
// beside it, never changing it.
type ActComment struct {
	ID   int64
	Kind CommentKind
	From string
	Text string
	On   time.Time // a day
}

// AnswerKind is a signer's answer to the draft.
type AnswerKind string

const (
	AnswerSign AnswerKind = "sign"
	// AnswerOpinion signs with a special opinion printed beside the name.
	// It counts as a signature. The Regulation has no provision for it:
	// it is the group's practice, and the act says so.
	AnswerOpinion AnswerKind = "opinion"
	// AnswerRefuse refuses to sign, with a reason: the act cannot become
	// final (7.2: every member signs).
	AnswerRefuse AnswerKind = "refuse"
)

// Channels a signature comes through.
const (
	SignedOnPaper = "paper" // recorded by the clerk from a signature on paper
)

// ActAnswer is one signer's answer in a signing round: who, when, through
// which channel, over which text (the hash of the draft in its language).
type ActAnswer struct {
	Kind    AnswerKind
	Text    string // the special opinion, or the reason for refusing
	At      time.Time
	Channel string
	Lang    Lang
	Hash    string
	Round   int
}

// Counts reports whether the answer counts as a signature.
func (a ActAnswer) Counts() bool { return a.Kind == AnswerSign || a.Kind == AnswerOpinion }

// SignerStatus is a member's place on the act's list, fixed at send.
type SignerStatus string

const (
	SignerAsked   SignerStatus = "signer"
	SignerRecused SignerStatus = "recused" // 6.3: takes no part, named in the act
	// SignerAbsent is the chair on a recorded absence through the whole
	// signing period: shown as absent (3.6), the deputy presides.
	SignerAbsent SignerStatus = "absent"
)

// ActSigner is a member on the act's list, fixed when it is sent.
type ActSigner struct {
	MemberID    int64
	Name        string
	Role        Role
	Affiliation string
	Status      SignerStatus
	// Dropped is when the member was removed from the group (3.4) before
	// the act became final: they are no longer asked, and the act says so.
	Dropped *time.Time
	// Answer is the answer in the current round, nil while none.
	Answer *ActAnswer
}

// Asked reports whether the act waits for this member's signature.
func (s ActSigner) Asked() bool { return s.Status == SignerAsked && s.Dropped == nil }

// DefaultSigningDays is how long signers have to answer, unless the group
// sets otherwise: the group's practice, not the Regulation's.
const DefaultSigningDays = 7

// Act is a monitoring act.
type Act struct {
	ID           int64
	Municipality string
	Number       ActNumber
	State        ActState
	// Lang is the language the draft is written in: the text signed.
	Lang   Lang
	Object string // an object reference (see ObjectRef)
	// PlanItem is the item of the council-approved plan it carries out
	// (4.3, 5.1); OutsidePlan is the reason for periodic monitoring
	// outside the plan (5.2) instead. Exactly one is given.
	PlanItem    string
	OutsidePlan string
	From, To    time.Time // the period monitored, days
	Methods     []Method
	Experts     []Expert
	// NoticeID is the notice to stakeholders the monitoring followed (5.2,
	// 8.2); NoticeWaiver is the reason, printed in the act, when there was
	// none or it was dated after the period started.
	NoticeID     int64
	NoticeWaiver string
	// Corrects is the final act this one corrects: a final act never
	// changes.
	Corrects        int64
	Evidence        []Evidence
	Sources         []Source
	Findings        []string
	Recommendations []Recommendation

	// Fixed when sent: who presides (3.6), the signers, the deadline.
	Presiding *Signature
	Signers   []ActSigner
	SignBy    time.Time
	// Round counts signing rounds: an edit after sending voids every
	// signature and starts the next.
	Round int
	// Voided is how many signatures edits have voided.
	Voided int
	Hash   string

	Deliveries []ActDelivery
	Comments   []ActComment

	CreatedBy   int64
	CreatedAt   time.Time
	SentAt      time.Time
	FinalAt     time.Time
	WithdrawnAt time.Time
}

// CheckDraft refuses a draft that lacks what an act needs, or a notice
// that does not fit without a reason: none, or one dated after the
// period's start (5.2, 8.2).
func (a Act) CheckDraft(notice *Notice) error {
	switch {
	case a.Object == "":
		return Errorf(EINVALID, "the act names no object: a service code, project:CODE or provider:CODE")
	case (a.PlanItem == "") == (a.OutsidePlan == ""):
		return Errorf(EINVALID, "give either the item of the council-approved plan the act carries out (4.3, 5.1), or the reason for monitoring outside the plan (5.2)")
	case a.From.IsZero() || a.To.IsZero() || a.To.Before(a.From):
		return Errorf(EINVALID, "the period monitored needs a first and a last day, the last not before the first")
	case len(a.Methods) == 0:
		return Errorf(EINVALID, "name the methods used (Regulation 5.6): %s", joinMethods(Methods))
	}
	if a.NoticeWaiver != "" {
		return nil
	}
	if notice == nil {
		return Errorf(ECONFLICT, "the act follows no notice to the stakeholders (Regulation 5.2, 8.2): name the notice, or give the reason there was none (printed in the act)")
	}
	if notice.Kind != NoticeBefore || notice.Object != a.Object {
		return Errorf(EINVALID, "notice %d is not a notice before monitoring of %s", notice.ID, a.Object)
	}
	if notice.SentOn.After(a.From) {
		return Errorf(ECONFLICT, "the notice is dated %s, after the period monitored started on %s (Regulation 5.2: stakeholders are told in advance): give the reason (printed in the act)",
			Day(notice.SentOn), Day(a.From))
	}
	return nil
}

// Editable refuses a change to an act that is final or withdrawn.
func (a Act) Editable() error {
	switch a.State {
	case ActFinal:
		return Errorf(ECONFLICT, "act № %s is final and never changes; a correction is a new act that refers to it", a.Number)
	case ActWithdrawn:
		return Errorf(ECONFLICT, "act %d was withdrawn", a.ID)
	}
	return nil
}

// AddFinding appends a numbered finding.
func (a *Act) AddFinding(text string) error {
	text = strings.TrimSpace(text)
	if text == "" {
		return Errorf(EINVALID, "a finding needs its text")
	}
	a.Findings = append(a.Findings, text)
	return nil
}

// AddRecommendation appends a numbered recommendation with its addressee.
func (a *Act) AddRecommendation(addressee, text string) error {
	addressee, text = strings.TrimSpace(addressee), strings.TrimSpace(text)
	if addressee == "" || text == "" {
		return Errorf(EINVALID, "a recommendation names its addressee and has a text")
	}
	a.Recommendations = append(a.Recommendations, Recommendation{Addressee: addressee, Text: text})
	return nil
}

// AddEvidence links a piece of evidence; linking it again updates whether
// it was re-verified.
func (a *Act) AddEvidence(e Evidence) {
	for i, x := range a.Evidence {
		if x.Kind == e.Kind && x.TargetID == e.TargetID {
			a.Evidence[i].Reverified = e.Reverified
			return
		}
	}
	a.Evidence = append(a.Evidence, e)
}

// AddSource cites a document received (6.2).
func (a *Act) AddSource(s Source) error {
	s.Title, s.From = strings.TrimSpace(s.Title), strings.TrimSpace(s.From)
	if s.Title == "" || s.From == "" || s.Received.IsZero() {
		return Errorf(EINVALID, "a cited document needs its title, who gave it and the day it was received (Regulation 6.2)")
	}
	a.Sources = append(a.Sources, s)
	return nil
}

// Move moves item from (1-based) to position to in a list of findings or
// recommendations: what reordering in the chat does.
func Move[T any](list []T, from, to int) ([]T, error) {
	if from < 1 || from > len(list) || to < 1 || to > len(list) {
		return list, Errorf(EINVALID, "positions run from 1 to %d", len(list))
	}
	item := list[from-1]
	list = slices.Delete(list, from-1, from)
	return slices.Insert(list, to-1, item), nil
}

// Remove removes item n (1-based).
func Remove[T any](list []T, n int) ([]T, error) {
	if n < 1 || n > len(list) {
		return list, Errorf(EINVALID, "positions run from 1 to %d", len(list))
	}
	return slices.Delete(list, n-1, n), nil
}

// TextHash is the SHA-256 of the act's text in its language, in a
// canonical form: every field that the act prints and a signer reads, in
// a fixed order, each length-prefixed so no two texts share a form.
// Labels storage fills and the signing record are not part of it.
func (a Act) TextHash() string {
	var b strings.Builder
	field := func(name, v string) {
		v = strings.ReplaceAll(strings.TrimSpace(v), "\r\n", "\n")
		fmt.Fprintf(&b, "%s %d:%s\n", name, utf8.RuneCountInString(v), v)
	}
	field("lang", string(a.Lang))
	field("object", a.Object)
	field("plan", a.PlanItem)
	field("outside", a.OutsidePlan)
	field("from", dayOrEmpty(a.From))
	field("to", dayOrEmpty(a.To))
	for _, m := range a.Methods {
		field("method", string(m))
	}
	for _, e := range a.Experts {
		field("expert", e.Name)
		field("role", e.Role)
	}
	field("notice", strconv.FormatInt(a.NoticeID, 10))
	field("waiver", a.NoticeWaiver)
	field("corrects", strconv.FormatInt(a.Corrects, 10))
	for _, e := range a.Evidence {
		field("evidence", fmt.Sprintf("%s:%d:%t", e.Kind, e.TargetID, e.Reverified))
	}
	for _, s := range a.Sources {
		field("source", s.Title)
		field("from", s.From)
		field("received", dayOrEmpty(s.Received))
		field("request", strconv.FormatInt(s.RequestID, 10))
	}
	for _, f := range a.Findings {
		field("finding", f)
	}
	for _, r := range a.Recommendations {
		field("to", r.Addressee)
		field("recommendation", r.Text)
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

func dayOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return Day(t)
}

// Signers is who signs an act on object at now, computed and never
// chosen: every member counted for 3.4 (active, approved by the council,
// within the term) signs (7.2), less those recused for the object (6.3),
// who are listed apart and named in the act.
func Signers(muni *Municipality, members []Member, object string, now time.Time) (signers, recused []Member) {
	for _, m := range members {
		if !m.Counted(now) {
			continue
		}
		if m.RecusedFromObject(muni, object) {
			recused = append(recused, m)
		} else {
			signers = append(signers, m)
		}
	}
	return signers, recused
}

// AbsentThrough reports whether a recorded absence of the chair covers
// every day from one moment to another.
func AbsentThrough(absences []ChairAbsence, from, to time.Time) bool {
	for _, ab := range absences {
		if ab.Covers(from) && ab.Covers(to) {
			return true
		}
	}
	return false
}

// Send fixes the act for signature: the sender presides (the chair, or the
// deputy during a recorded absence: 3.6), the membership must be within
// 3.4 (checked on the group, not on the signers), and the signers are
// computed. A chair absent through the whole signing period is listed as
// absent (3.6) and not asked; otherwise the chair signs as a member too.
func (a *Act) Send(muni *Municipality, sender Member, members []Member, absences []ChairAbsence, notice *Notice, now time.Time, days int) error {
	if a.State != ActDraft {
		return Errorf(ECONFLICT, "act %d is %s; only a draft is sent for signature", a.ID, a.State)
	}
	if err := a.CheckDraft(notice); err != nil {
		return err
	}
	if len(a.Findings) == 0 {
		return Errorf(EINVALID, "the act has no findings yet (Regulation 7.2)")
	}
	if err := Collective(members, now); err != nil {
		return err
	}
	sig, err := SignAs(sender, absences, now)
	if err != nil {
		return Errorf(EUNAUTHORIZED, "the chair sends an act for signature, or the deputy during a recorded absence of the chair (Regulation 3.6)")
	}
	if days <= 0 {
		days = DefaultSigningDays
	}
	signBy := now.AddDate(0, 0, days)
	signers, recused := Signers(muni, members, a.Object, now)
	a.Signers = nil
	for _, m := range signers {
		s := ActSigner{MemberID: m.ID, Name: m.Name, Role: m.Role, Affiliation: m.Affiliation, Status: SignerAsked}
		if m.Role == Chair && sig.Acting && AbsentThrough(absences, now, signBy) {
			s.Status = SignerAbsent
		}
		a.Signers = append(a.Signers, s)
	}
	for _, m := range recused {
		a.Signers = append(a.Signers, ActSigner{MemberID: m.ID, Name: m.Name, Role: m.Role, Affiliation: m.Affiliation, Status: SignerRecused})
	}
	a.Presiding, a.SignBy, a.SentAt, a.State = &sig, signBy, now, ActSent
	a.Round = max(a.Round, 0) + 1
	a.Hash = a.TextHash()
	return nil
}

// signer finds a member on the act's list.
func (a *Act) signer(memberID int64) *ActSigner {
	for i := range a.Signers {
		if a.Signers[i].MemberID == memberID {
			return &a.Signers[i]
		}
	}
	return nil
}

// Answer records a signer's answer to the current round. Only a member
// asked may answer, once a round; a special opinion and a refusal need
// their text.
func (a *Act) Answer(memberID int64, ans ActAnswer) error {
	if a.State != ActSent {
		return Errorf(ECONFLICT, "act %d is %s: only an act sent for signature is signed", a.ID, a.State)
	}
	s := a.signer(memberID)
	switch {
	case s == nil:
		return Errorf(EUNAUTHORIZED, "member %d is not among the act's signers, fixed when it was sent (Regulation 7.2, 6.3)", memberID)
	case s.Status == SignerRecused:
		return Errorf(EUNAUTHORIZED, "%s is recused for this object and takes no part (Regulation 6.3)", s.Name)
	case s.Dropped != nil:
		return Errorf(EUNAUTHORIZED, "%s was removed from the group (Regulation 3.4)", s.Name)
	case s.Answer != nil:
		return Errorf(ECONFLICT, "%s has already answered this draft", s.Name)
	case ans.Round != 0 && ans.Round != a.Round, ans.Hash != "" && !strings.HasPrefix(a.Hash, ans.Hash):
		// A button or a form made for an earlier text: the text changed
		// since, and a signature is given over the text read.
		return Errorf(ECONFLICT, "this answer was given over an earlier text of the act; read the current draft (round %d) and answer again", a.Round)
	}
	ans.Text = strings.TrimSpace(ans.Text)
	switch ans.Kind {
	case AnswerSign:
		ans.Text = ""
	case AnswerOpinion:
		if ans.Text == "" {
			return Errorf(EINVALID, "a special opinion needs its text")
		}
	case AnswerRefuse:
		if ans.Text == "" {
			return Errorf(EINVALID, "refusing to sign needs a reason")
		}
	default:
		return Errorf(EINVALID, "answer %q: sign, opinion or refuse", ans.Kind)
	}
	if ans.Lang == "" {
		ans.Lang = a.Lang
	}
	ans.Hash, ans.Round = a.Hash, a.Round
	s.Answer = &ans
	if s.Status == SignerAbsent && ans.Counts() {
		s.Status = SignerAsked // back early, and signed
	}
	return nil
}

// Touched records that the text changed: on an act sent for signature,
// every signature is void and the next round starts (the signers stay as
// fixed at send).
func (a *Act) Touched() {
	h := a.TextHash()
	if h == a.Hash {
		return
	}
	a.Hash = h
	if a.State != ActSent {
		return
	}
	for i := range a.Signers {
		if a.Signers[i].Answer != nil {
			a.Voided++
			a.Signers[i].Answer = nil
		}
	}
	a.Round++
}

// Drop marks the signers no longer in the group at now (removed under
// 3.4, or their term over) as dropped: not asked, and listed by the act.
func (a *Act) Drop(members []Member, now time.Time) {
	counted := map[int64]bool{}
	for _, m := range members {
		if m.Counted(now) {
			counted[m.ID] = true
		}
	}
	for i := range a.Signers {
		s := &a.Signers[i]
		if s.Dropped == nil && s.Status != SignerRecused && !counted[s.MemberID] {
			t := now
			s.Dropped = &t
		}
	}
}

// SigningOver reports whether the signing period of an act sent for
// signature has ended at now: the chair is told who has not signed.
func (a Act) SigningOver(now time.Time) bool {
	return a.State == ActSent && !a.SignBy.IsZero() && !now.Before(a.SignBy)
}

// Waiting lists the signers who have not answered yet.
func (a Act) Waiting() []ActSigner {
	var out []ActSigner
	for _, s := range a.Signers {
		if s.Asked() && s.Answer == nil {
			out = append(out, s)
		}
	}
	return out
}

// Refusals lists the signers who refused in this round.
func (a Act) Refusals() []ActSigner {
	var out []ActSigner
	for _, s := range a.Signers {
		if s.Asked() && s.Answer != nil && s.Answer.Kind == AnswerRefuse {
			out = append(out, s)
		}
	}
	return out
}

// CheckFinal refuses to make the act final while a signer has not signed
// or refused (7.2: every member signs), or while the membership is outside
// 3.4 at now. members are the group's, to check 3.4 on.
func (a Act) CheckFinal(members []Member, now time.Time) error {
	if a.State != ActSent {
		return Errorf(ECONFLICT, "act %d is %s, not sent for signature", a.ID, a.State)
	}
	if r := a.Refusals(); len(r) > 0 {
		return Errorf(ECONFLICT, "%s refused to sign: the act cannot become final (Regulation 7.2); edit the draft (a new round of signatures) or withdraw it", r[0].Name)
	}
	if w := a.Waiting(); len(w) > 0 {
		names := make([]string, len(w))
		for i, s := range w {
			names[i] = s.Name
		}
		return Errorf(ECONFLICT, "not signed yet by %s (Regulation 7.2)", strings.Join(names, ", "))
	}
	return Collective(members, now)
}

// Finalize makes the act final with its number.
func (a *Act) Finalize(n ActNumber, now time.Time) {
	a.State, a.Number, a.FinalAt = ActFinal, n, now
}

// Withdraw withdraws a draft or an act sent for signature; it is never
// numbered.
func (a *Act) Withdraw(now time.Time) error {
	if err := a.Editable(); err != nil {
		return err
	}
	a.State, a.WithdrawnAt = ActWithdrawn, now
	return nil
}

// Addressees are whom the final act goes to (7.1): the ayil okmotu head,
// the council, and each recommendation's addressee, once each.
func (a Act) Addressees() []string {
	out := []string{AddresseeHead, AddresseeCouncil}
	for _, r := range a.Recommendations {
		if !slices.ContainsFunc(out, func(x string) bool { return sameAddressee(x, r.Addressee) }) {
			out = append(out, r.Addressee)
		}
	}
	return out
}

// Undelivered lists the addressees the final act has not reached yet.
func (a Act) Undelivered() []string {
	var out []string
	for _, to := range a.Addressees() {
		if !slices.ContainsFunc(a.Deliveries, func(d ActDelivery) bool { return sameAddressee(d.Addressee, to) }) {
			out = append(out, to)
		}
	}
	return out
}

// Deliver records a delivery to one of the act's addressees.
func (a *Act) Deliver(d ActDelivery) error {
	if a.State != ActFinal {
		return Errorf(ECONFLICT, "only a final act is delivered (Regulation 7.1)")
	}
	d.Addressee, d.How, d.By = strings.TrimSpace(d.Addressee), strings.TrimSpace(d.How), strings.TrimSpace(d.By)
	if d.On.IsZero() || d.How == "" || d.By == "" {
		return Errorf(EINVALID, "a delivery records the day, how (by hand, a letter with its incoming number, a messenger) and who delivered it")
	}
	i := slices.IndexFunc(a.Addressees(), func(x string) bool { return sameAddressee(x, d.Addressee) })
	if i < 0 {
		return Errorf(EINVALID, "%q is not an addressee of the act: one of %s", d.Addressee, strings.Join(a.Addressees(), "; "))
	}
	d.Addressee = a.Addressees()[i]
	a.Deliveries = append(a.Deliveries, d)
	return nil
}

func sameAddressee(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}

// Comment records a stakeholder's comment, objection or the outcome of a
// discussion (8.11) beside the final act.
func (a *Act) Comment(c ActComment) error {
	if a.State != ActFinal {
		return Errorf(ECONFLICT, "comments are recorded beside a final act")
	}
	c.From, c.Text = strings.TrimSpace(c.From), strings.TrimSpace(c.Text)
	if !slices.Contains([]CommentKind{CommentComment, CommentObjection, CommentDiscussion}, c.Kind) {
		return Errorf(EINVALID, "kind %q: comment, objection or discussion", c.Kind)
	}
	if c.From == "" || c.Text == "" || c.On.IsZero() {
		return Errorf(EINVALID, "a comment needs who gave it, its text and the day")
	}
	a.Comments = append(a.Comments, c)
	return nil
}

// Recommendation returns recommendation n (1-based) of a final act.
func (a *Act) Recommendation(n int) (*Recommendation, error) {
	if a.State != ActFinal {
		return nil, Errorf(ECONFLICT, "the addressees consider the recommendations of a final act (Regulation 7.6)")
	}
	if n < 1 || n > len(a.Recommendations) {
		return nil, Errorf(ENOTFOUND, "the act has %d recommendations", len(a.Recommendations))
	}
	return &a.Recommendations[n-1], nil
}
