package documents

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// Act is what a monitoring act prints (Regulation 7.1–7.6): a plain copy
// of the act's content, filled by whoever holds the act (the domain, the
// store), so that this package needs nothing else to lay it out.
//
// It has no field for a resident's name, phone number or user id, nor for
// the content of a document received from a provider (6.2, DESIGN.md
// "personal data"): what is not in the model cannot reach the paper.
type Act struct {
	Muni *monitoring.Municipality
	Lang monitoring.Lang
	// Number is the act's number once it is final ("3/2026"); "" for a
	// draft, which is marked so on every page and cannot be verified.
	Number string
	// Date is the act's date: the day it became final, or the draft's day.
	Date time.Time
	// Place is where the act was drawn up; "" means the municipality's seat.
	Place string
	// Object is the monitored service, project or provider, as printed.
	Object string
	// PlanItem is the item of the council-approved plan the monitoring
	// carries out (4.3, 5.1); when "", the monitoring was outside the plan
	// (5.2) and OutsidePlanReason says why.
	PlanItem          string
	OutsidePlanReason string
	// PeriodFrom and PeriodTo are the days monitored, both included.
	PeriodFrom, PeriodTo time.Time
	// Members are the signers, in the order of the signature block: every
	// active, council-approved member not recused (7.2). The chair among
	// them presides, unless ChairAbsent is set.
	Members []ActMember
	// ChairAbsent is the chair's name when the chair was on a recorded
	// absence through the whole signing period (3.6): printed as absent,
	// and the deputy signs as acting chair.
	ChairAbsent string
	// Recused took no part because of a conflict of interest with the
	// object (6.3).
	Recused []ActPerson
	// Dropped were removed from the group (3.4) after the act was sent for
	// signature and before it became final.
	Dropped []ActPerson
	// Experts were invited (4.2); they are not members and do not sign.
	Experts []ActPerson
	// Methods are the methods used, in the words of 5.6.
	Methods []string
	// Notice is the notice to stakeholders the monitoring follows (5.2, 8.2).
	Notice ActNotice
	// Findings and Recommendations are the act's numbered items.
	Findings        []string
	Recommendations []ActRecommendation
	// Sources are the documents cited, never carried (6.2).
	Sources []ActSource
	// Translation is set when the members signed the other language's
	// text, not this one.
	Translation bool
	// Hash is the act's text hash as the members signed it; "" to use
	// this document's own (TextHash). The file's properties carry it with
	// the number and the language, for VerifyActPDF.
	Hash string
}

// ActMember is a member who signs the act.
type ActMember struct {
	Name        string
	Role        monitoring.Role
	Affiliation string // as the council's decision writes it; may be ""
	// Signed is when the member signed in the chat; zero if not yet.
	Signed time.Time
	// Opinion is a special opinion given with the signature: the group's
	// practice, not the Regulation's, and printed as such.
	Opinion string
}

// ActPerson is someone the act names who does not sign it.
type ActPerson struct {
	Name        string
	Role        monitoring.Role // a member's role; "" for an expert
	Affiliation string
}

// ActNotice is the stakeholders' notice: its number and date, or why
// there was none (Number ""), or why it came after the period began.
type ActNotice struct {
	Number string
	Date   time.Time
	Reason string
}

// ActRecommendation is a recommendation and whom it is addressed to (7.6).
type ActRecommendation struct {
	Text, To string
}

// ActSource is a document the act refers to (6.2): what it is, who gave
// it, when, and in answer to which request. Its content is not a field.
type ActSource struct {
	Title    string
	From     string
	Received time.Time
	Request  string // the information request's number, "" if none
}

// VerifyCommand is how a reader checks a printed act's file.
const VerifyCommand = "bmjbt act verify FILE.pdf"

// hashAlgorithm names the hash in the verification line.
const hashAlgorithm = "SHA-256"

func (a Act) t(id string, args catalog.Args) string { return catalog.Default().T(a.Lang, id, args) }

// Draft reports whether the act is a draft: it has no number yet.
func (a Act) Draft() bool { return a.Number == "" }

// WritePDF writes the act as an A4 PDF. The same Act gives the same bytes,
// which VerifyActPDF relies on.
func (a Act) WritePDF(w io.Writer) error {
	if err := a.Content().WritePDF(w); err != nil {
		return fmt.Errorf("act %w", err)
	}
	return nil
}

// WriteDOCX writes the same act as a Word document, for the clerk to put
// on the council's letterhead.
func (a Act) WriteDOCX(w io.Writer) error {
	if err := a.Content().WriteDOCX(w); err != nil {
		return fmt.Errorf("act %w", err)
	}
	return nil
}

// TextHash is the hash printed on the act: Hash when the caller gives
// one, else SHA-256 of the act's text as this package lays it out (the
// head, body and signature block, without the verification line).
func (a Act) TextHash() string {
	if a.Hash != "" {
		return a.Hash
	}
	o := a.content()
	var b strings.Builder
	for _, l := range append(o.Head.Issuer, o.Head.Kind, o.Head.Date, o.Head.Place, o.Head.Title) {
		b.WriteString(l + "\n")
	}
	for _, bl := range o.Body {
		b.WriteString(bl.String() + "\n")
	}
	for _, s := range o.Signatures {
		b.WriteString(s.Role + "\t" + s.Name + "\t" + s.Note + "\t" + s.Remark + "\n")
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// actKeywords marks a PDF as an act of bmjbt for VerifyActPDF: the kind,
// the number ("draft" for a draft), the language and the text hash, in
// ASCII.
func actKeywords(number string, lang monitoring.Lang, hash string) string {
	if number == "" {
		number = "draft"
	}
	return actKeywordsPrefix + number + " " + string(lang) + " sha256:" + hash
}

const actKeywordsPrefix = "bmjbt-act "

// Content is the act in the layout of the council's documents: the
// letterhead («№ 3/2026 АКТЫСЫ»), the facts of the monitoring, the
// findings and recommendations, the cited documents, the signature block
// with each member's line, and the verification line.
func (a Act) Content() Official {
	o := a.content()
	hash := a.TextHash()
	short := hash
	if len(short) > 16 {
		short = short[:16]
	}
	o.Keywords = actKeywords(a.Number, a.Lang, hash)
	if a.Draft() {
		o.Mark = a.t("actdoc.draft", nil)
		o.Footer = a.t("actdoc.footer_draft", catalog.Args{"Hash": short})
		o.Closing = append(o.Closing, a.t("actdoc.verify_draft", catalog.Args{"Algorithm": hashAlgorithm, "Hash": hash}))
	} else {
		o.Footer = a.t("actdoc.footer", catalog.Args{"Number": a.Number, "Hash": short})
		// The command on a line of its own, so that it is never broken.
		o.Closing = append(o.Closing, a.t("actdoc.verify", catalog.Args{"Algorithm": hashAlgorithm, "Hash": hash}),
			a.t("actdoc.verify_how", nil), VerifyCommand)
	}
	return o
}

// content is Content without what depends on the hash.
func (a Act) content() Official {
	c := catalog.Default()
	date := func(t time.Time) string { return c.DocumentDate(a.Lang, t) }
	kind, name := a.t("actdoc.draft", nil), a.t("actdoc.name_draft", nil)
	if !a.Draft() {
		number := catalog.Args{"Number": a.Number}
		kind, name = a.t("actdoc.kind", number), a.t("actdoc.name", number)
	}
	place := a.Place
	if place == "" && a.Muni != nil {
		place = a.Muni.Seat.In(a.Lang)
	}
	title := a.t("actdoc.title", catalog.Args{"Object": a.Object})
	// The file's dates in one zone, so an act read back from the database
	// in UTC gives the same bytes.
	o := Official{Title: name, Subject: title, Date: a.Date.In(monitoring.Bishkek), Lang: a.Lang}
	if a.Muni != nil {
		o.Head = councilHead(a.Muni, a.Lang, kind, date(a.Date), place, title)
	} else {
		o.Head = Letterhead{Kind: kind, Date: date(a.Date), Place: place, Title: title}
	}
	text := func(s string) { o.Body = append(o.Body, Block{Kind: BlockText, Text: s}) }
	section := func(s string) { o.Body = append(o.Body, Block{Kind: BlockSection, Text: s}) }
	item := func(i int, s string) {
		o.Body = append(o.Body, Block{Kind: BlockText, Number: fmt.Sprintf("%d.", i+1), Text: s})
	}

	if a.Translation {
		text(a.t("actdoc.translation", nil))
	}
	text(a.t("actdoc.intro", nil))
	text(a.t("actdoc.object", catalog.Args{"Object": a.Object}))
	if a.PlanItem != "" {
		text(a.t("actdoc.plan_item", catalog.Args{"Item": a.PlanItem}))
	} else {
		text(sentence(a.t("actdoc.outside_plan", catalog.Args{"Reason": a.OutsidePlanReason})))
	}
	text(a.t("actdoc.period", catalog.Args{"From": date(a.PeriodFrom), "To": date(a.PeriodTo)}))
	switch n := a.Notice; {
	case n.Number == "":
		text(sentence(a.t("actdoc.notice_none", catalog.Args{"Reason": n.Reason})))
	case n.Reason != "":
		text(a.t("actdoc.notice", catalog.Args{"Number": n.Number, "Date": date(n.Date)}) + " " +
			sentence(a.t("actdoc.notice_late", catalog.Args{"Reason": n.Reason})))
	default:
		text(a.t("actdoc.notice", catalog.Args{"Number": n.Number, "Date": date(n.Date)}))
	}

	section(a.t("actdoc.members", nil))
	for i, m := range a.Members {
		item(i, a.person(m.Name, m.Role, m.Affiliation, true))
	}
	if len(a.Recused) > 0 {
		text(a.t("actdoc.recused", catalog.Args{"Object": a.Object, "Names": a.people(a.Recused)}))
	}
	if len(a.Dropped) > 0 {
		text(a.t("actdoc.dropped", catalog.Args{"Names": a.people(a.Dropped)}))
	}
	if len(a.Experts) > 0 {
		text(a.t("actdoc.experts", catalog.Args{"Names": a.people(a.Experts)}))
	}
	if len(a.Methods) > 0 {
		section(a.t("actdoc.methods", nil))
		for i, m := range a.Methods {
			item(i, sentence(m))
		}
	}
	section(a.t("actdoc.findings", nil) + ":")
	for i, f := range a.Findings {
		item(i, sentence(f))
	}
	if len(a.Recommendations) > 0 {
		section(a.t("actdoc.recommendations", nil) + ":")
		for i, r := range a.Recommendations {
			item(i, a.t("actdoc.recommendation", catalog.Args{"Text": sentence(r.Text), "To": r.To}))
		}
		text(a.t("actdoc.voluntary", nil))
	}
	if len(a.Sources) > 0 {
		section(a.t("actdoc.sources", nil) + ":")
		for i, s := range a.Sources {
			line := a.t("actdoc.source", catalog.Args{"Title": s.Title, "From": s.From, "Date": date(s.Received)})
			if s.Request != "" {
				line += a.t("actdoc.source_request", catalog.Args{"Request": s.Request})
			}
			item(i, line+".")
		}
	}
	o.Signatures = a.signatures()
	return o
}

// signatures is the signature block: the one who presides first (the
// chair, or the deputy as acting chair with the absent chair beside), then
// every other signer with a line for the handwritten signature and the
// note of the signature given in the chat, then those recused (6.3).
func (a Act) signatures() []SignatureRow {
	presides := monitoring.Chair
	if a.ChairAbsent != "" {
		presides = monitoring.Deputy
	}
	var first, rest []SignatureRow
	members := false
	for _, m := range a.Members {
		row := SignatureRow{Name: m.Name, Note: a.t("actdoc.not_signed", nil)}
		if !m.Signed.IsZero() {
			row.Note = a.t("signature.in_chat", catalog.Args{"When": m.Signed.In(monitoring.Bishkek).Format("02.01.2006, 15:04")})
		}
		if m.Opinion != "" {
			row.Remark = a.t("actdoc.opinion", catalog.Args{"Text": m.Opinion})
		}
		switch {
		case m.Role == presides && presides == monitoring.Deputy:
			row.Role = capitalize(a.t("signature.acting_chair", nil))
		case m.Role == monitoring.Chair || m.Role == monitoring.Deputy || m.Role == monitoring.Secretary:
			row.Role = capitalize(a.t("role."+string(m.Role), nil))
		case !members:
			// «Мүчөлөрү:» once, on the first ordinary member's row.
			row.Role, members = a.t("actdoc.members_row", nil), true
		}
		if m.Role == presides && len(first) == 0 {
			first = append(first, row)
			continue
		}
		rest = append(rest, row)
	}
	if a.ChairAbsent != "" {
		first = append(first, SignatureRow{Role: capitalize(a.t("role.chair", nil)), Name: a.ChairAbsent,
			Note: a.t("actdoc.chair_absent", nil), NoLine: true})
	}
	for _, r := range a.Recused {
		rest = append(rest, SignatureRow{Role: capitalize(a.t("role."+string(orMember(r.Role)), nil)), Name: r.Name,
			Note: a.t("actdoc.recused_row", nil), NoLine: true})
	}
	return append(first, rest...)
}

func orMember(r monitoring.Role) monitoring.Role {
	if r == "" {
		return monitoring.Ordinary
	}
	return r
}

// person is «Г. Кандарова, төрага, Айыл өкмөтүнүн социалдык адиси».
func (a Act) person(name string, role monitoring.Role, affiliation string, withRole bool) string {
	s := name
	if withRole && role != "" {
		s += ", " + a.t("role."+string(role), nil)
	}
	if affiliation != "" {
		s += ", " + affiliation
	}
	return s
}

// people lists names with their roles and affiliations in brackets.
func (a Act) people(ps []ActPerson) string {
	var out []string
	for _, p := range ps {
		var extra []string
		if p.Role != "" {
			extra = append(extra, a.t("role."+string(p.Role), nil))
		}
		if p.Affiliation != "" {
			extra = append(extra, p.Affiliation)
		}
		s := p.Name
		if len(extra) > 0 {
			s += " (" + strings.Join(extra, ", ") + ")"
		}
		out = append(out, s)
	}
	return strings.Join(out, "; ")
}

// sentence ends a text typed by a member with a full stop, unless it ends
// with one already.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s[len(s)-1:], ".!?…") || strings.HasSuffix(s, "…") {
		return s
	}
	return s + "."
}
