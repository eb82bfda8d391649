package bot

import (
	"fmt"
	"strings"
	"time"

	"bmjbt/catalog"
	"bmjbt/monitoring"
)

// Requests for information (4.2): a member names the addressee (a provider
// or an ayil okmotu department), what is asked and the entries it is about.
// The addressee has ten days to answer (6.1); the answer and its files are
// recorded, stay with the group (6.2) and close the request.

// requestFlow is requests for information: its questions and commands.
func requestFlow() flow {
	return flow{
		steps: map[string]*step{
			"m.req.to":      {accepts: inText, ask: askReqTo, choose: cancelWork, input: reqToInput},
			"m.req.what":    {accepts: inText, ask: askReqWhat, choose: cancelWork, input: reqWhatInput},
			"m.req.entries": {accepts: inText, ask: askReqEntries, choose: chooseReqEntries, input: reqEntriesInput},
			"m.req.answer":  {accepts: inMedia, ask: askReqAnswer, choose: reqAnswerDone, input: reqAnswerInput},
		},
		commands: map[string]memberCommand{
			"request":  {who: anyMember, run: cmdRequest},
			"requests": {who: anyMember, run: cmdRequests},
		},
	}
}

// requestDraftOf is a request being written, or the answer being recorded.
type requestDraft struct {
	Addressee string  `json:"to,omitempty"`
	Question  string  `json:"question,omitempty"`
	RequestID int64   `json:"request,omitempty"`
	Parts     []Part  `json:"parts,omitempty"`
	Media     []int64 `json:"media,omitempty"`
}

func requestDraftOf(t *turn) *requestDraft { return dialogueData[requestDraft](t) }

func cmdRequest(t *turn, _ monitoring.Member, _ string) error {
	return t.start("m.req.to", &requestDraft{})
}

func cancelMenu(t *turn) []Option { return []Option{t.cancelOption()} }

func askReqTo(t *turn) error {
	return t.askMenu("m.req.to", t.T("request.to", nil), 1, cancelMenu(t))
}

func reqToInput(t *turn) error {
	requestDraftOf(t).Addressee = strings.TrimSpace(t.u.Text)
	return t.ask("m.req.what")
}

func askReqWhat(t *turn) error {
	return t.askMenu("m.req.what", t.T("request.what", nil), 1, cancelMenu(t))
}

func reqWhatInput(t *turn) error {
	requestDraftOf(t).Question = strings.TrimSpace(t.u.Text)
	return t.ask("m.req.entries")
}

func askReqEntries(t *turn) error {
	return t.askMenu("m.req.entries", t.T("request.entries", nil), 2, []Option{
		{Label: t.T("button.skip", nil), Data: "skip", Word: true}, t.cancelOption(),
	})
}

func chooseReqEntries(t *turn, data string) error {
	if data == "cancel" {
		return cancelWork(t, data)
	}
	return createRequest(t, nil)
}

// reqEntriesInput reads journal numbers ("2026-0042, 2026-43").
func reqEntriesInput(t *turn) error {
	if t.u.Kind != KindText {
		return t.say(t.T("request.entries_bad", nil))
	}
	var nums []monitoring.Number
	for _, f := range strings.FieldsFunc(t.u.Text, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\n' }) {
		n, err := monitoring.ParseNumber(f)
		if err != nil {
			return t.say(t.T("request.entries_bad", nil))
		}
		if _, err := t.tx.EntryNumbered(t.ctx, t.e.Muni.Code, n); err != nil {
			if monitoring.ErrorCode(err) == monitoring.ENOTFOUND {
				return t.say(t.T("status.not_found_member", catalog.Args{"Number": n.String()}))
			}
			return err
		}
		nums = append(nums, n)
	}
	return createRequest(t, nums)
}

func createRequest(t *turn, entries []monitoring.Number) error {
	m, ok, err := t.member()
	if err != nil || !ok {
		t.end()
		return errOr(err, t.refuse(t.stranger(), "request", 0, "members.only"))
	}
	w := *requestDraftOf(t)
	t.end()
	if w.Addressee == "" || w.Question == "" {
		return t.say(t.T("work.cancelled", nil))
	}
	r := monitoring.Request{Municipality: t.e.Muni.Code, Addressee: w.Addressee, Question: w.Question, Entries: entries, CreatedBy: m.ID}
	if err := t.tx.CreateRequest(t.ctx, &r); err != nil {
		return err
	}
	if err := t.tx.Audit(t.ctx, t.e.Muni.Code, actor(m), "request", 0, "ok", monitoring.RequestNumber(r.Number)); err != nil {
		return err
	}
	var nums []string
	for _, n := range entries {
		nums = append(nums, n.String())
	}
	listed := strings.Join(nums, ", ")
	if listed == "" {
		listed = "—" // skipped: about no entry in particular
	}
	return t.say(t.T("request.made", catalog.Args{
		"Number": monitoring.RequestNumber(r.Number), "To": r.Addressee, "Question": r.Question,
		"Entries": listed, "Deadline": t.e.Catalog.Date(t.lang, r.Deadline), "Days": monitoring.RequestDays,
	}))
}

// requestsShown bounds /requests to the latest ones (all are in
// `bmjbt request list`).
const requestsShown = 20

func cmdRequests(t *turn, _ monitoring.Member, _ string) error {
	list, err := t.tx.Requests(t.ctx, t.e.Muni.Code, false, time.Time{})
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return t.say(t.T("requests.none", nil))
	}
	if len(list) > requestsShown {
		list = list[len(list)-requestsShown:]
	}
	lines := []string{t.T("requests.header", nil)}
	menu := &Menu{Columns: 2}
	now := t.tx.Now()
	for _, r := range list {
		line := t.T("requests.line", catalog.Args{"Number": monitoring.RequestNumber(r.Number), "To": r.Addressee,
			"Deadline": t.e.Catalog.Date(t.lang, r.Deadline)})
		switch {
		case r.AnsweredAt != nil:
			line += " ✓ " + t.T("request.answered_short", nil)
		case r.Overdue(now):
			line += " ⚠ " + t.T("requests.overdue", nil)
		}
		lines = append(lines, line)
		menu.Options = append(menu.Options, Option{Label: monitoring.RequestNumber(r.Number), Data: fmt.Sprintf("r|%d", r.ID)})
	}
	return t.send(Reply{Text: strings.Join(lines, "\n"), Menu: menu}, "")
}

// requestButton opens a request, or starts recording its answer.
func requestButton(t *turn, m monitoring.Member, id int64, arg string) error {
	r, err := t.tx.RequestByID(t.ctx, t.e.Muni.Code, id)
	if monitoring.ErrorCode(err) == monitoring.ENOTFOUND || err == nil && arg != "" && arg != "answer" {
		return t.refuse(actor(m), "request", 0, "button.forged")
	}
	if err != nil {
		return err
	}
	if err := t.ack(""); err != nil {
		return err
	}
	return t.inPrivate(m, func(pt *turn) error {
		if arg == "answer" {
			if r.AnsweredAt != nil {
				return pt.say(pt.T("request.already", catalog.Args{"Number": monitoring.RequestNumber(r.Number)}))
			}
			return pt.start("m.req.answer", &requestDraft{RequestID: r.ID})
		}
		return showRequest(pt, r)
	})
}

func showRequest(t *turn, r monitoring.Request) error {
	status := t.T("request.open", nil)
	if r.AnsweredAt != nil {
		status = t.T("request.answered", catalog.Args{"Date": t.e.Catalog.Date(t.lang, *r.AnsweredAt), "Files": r.Files}) + "\n" + r.Answer
	} else if r.Overdue(t.tx.Now()) {
		status = t.T("requests.overdue", nil)
	}
	text := t.T("request.card", catalog.Args{"Number": monitoring.RequestNumber(r.Number), "To": r.Addressee, "Question": r.Question,
		"Created": t.e.Catalog.Date(t.lang, r.CreatedAt), "Deadline": t.e.Catalog.Date(t.lang, r.Deadline), "Status": status})
	reply := Reply{Text: text}
	if r.AnsweredAt == nil {
		reply.Menu = &Menu{Options: []Option{{Label: t.T("button.record_answer", nil), Data: fmt.Sprintf("r|%d|answer", r.ID)}}}
	}
	if err := t.send(reply, ""); err != nil {
		return err
	}
	return t.sendFiles(0, r.ID, monitoring.RequestNumber(r.Number))
}

func askReqAnswer(t *turn) error {
	r, err := t.tx.RequestByID(t.ctx, t.e.Muni.Code, requestDraftOf(t).RequestID)
	if err != nil {
		return err
	}
	return t.askMenu("m.req.answer", t.T("request.answer_ask", catalog.Args{"Number": monitoring.RequestNumber(r.Number)}), 2, []Option{
		t.doneOption(), t.cancelOption(),
	})
}

// reqAnswerInput keeps the answer's text and files (documents included:
// they are the group's, never residents' or exports', 6.2).
func reqAnswerInput(t *turn) error {
	w := requestDraftOf(t)
	text, media, kept, err := t.noteContent()
	if err != nil || !kept {
		return err
	}
	if text != "" {
		w.Parts = append(w.Parts, Part{Text: text})
	}
	if media != 0 {
		w.Media = append(w.Media, media)
	}
	return t.acknowledge(t.T("note.got", nil), "answer", 2)
}

func reqAnswerDone(t *turn, data string) error {
	w := requestDraftOf(t)
	if data == "cancel" {
		if len(w.Media) > 0 {
			if err := t.tx.DropDraftMedia(t.ctx, w.Media); err != nil {
				return err
			}
		}
		return cancelWork(t, data)
	}
	if len(w.Parts) == 0 && len(w.Media) == 0 {
		return t.say(t.T("describe.empty", nil))
	}
	m, ok, err := t.member()
	if err != nil || !ok {
		t.end()
		return errOr(err, t.refuse(t.stranger(), "answer", 0, "members.only"))
	}
	var texts []string
	for _, p := range w.Parts {
		texts = append(texts, p.Text)
	}
	t.end()
	r, err := t.tx.RequestByID(t.ctx, t.e.Muni.Code, w.RequestID)
	if err != nil {
		return err
	}
	err = t.tx.AnswerRequest(t.ctx, t.e.Muni.Code, w.RequestID, strings.Join(texts, "\n"), w.Media)
	if monitoring.ErrorCode(err) == monitoring.ECONFLICT {
		return t.say(t.T("request.already", catalog.Args{"Number": monitoring.RequestNumber(r.Number)}))
	}
	if err != nil {
		return err
	}
	if err := t.tx.Audit(t.ctx, t.e.Muni.Code, actor(m), "answer", 0, "ok", monitoring.RequestNumber(r.Number)); err != nil {
		return err
	}
	return t.say(t.T("request.closed", catalog.Args{"Number": monitoring.RequestNumber(r.Number), "Files": len(w.Media)}))
}
