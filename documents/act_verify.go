package documents

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"bmjbt/monitoring"
)

// Errors of VerifyActPDF, for errors.Is.
var (
	// ErrNotAnAct: the file is not an act's PDF issued by bmjbt.
	ErrNotAnAct = errors.New("not an act issued by bmjbt")
	// ErrDraftAct: the file is a draft's preview, which has no number and
	// is not an issued act.
	ErrDraftAct = errors.New("a draft of an act, not an issued act")
	// ErrActDiffers: the file claims to be an act, but its bytes are not
	// the ones that act prints.
	ErrActDiffers = errors.New("the file differs from the act as issued")
)

// ActClaim is which act a PDF says it is, from its properties.
type ActClaim struct {
	Number string          // "3/2026"
	Lang   monitoring.Lang // the language of the file's text
	Hash   string          // the text hash printed on it
}

func (c ActClaim) String() string {
	return fmt.Sprintf("act № %s (%s) with text hash %s", c.Number, c.Lang, c.Hash)
}

// ReissueAct renders again, from the record, the PDF of the act a file
// claims to be (Act.WritePDF of the act with that number, in that
// language). It returns an error when the record has no such act, or when
// the act's hash is not the claimed one.
type ReissueAct func(ActClaim) ([]byte, error)

// VerifyActPDF checks that file is a PDF of an act exactly as bmjbt
// issues it: the act's number and text hash are read from the file's
// properties, reissue renders that act again, and the two must be the same
// bytes (WritePDF gives the same bytes for the same act). When they are
// not, the error says which pages' content differs.
//
// The CLI passes a function that loads the act by number from the
// database, checks the hash against the act's texts and calls WritePDF.
func VerifyActPDF(file []byte, reissue ReissueAct) error {
	claim, err := ActPDFClaim(file)
	if err != nil {
		return err
	}
	want, err := reissue(claim)
	if err != nil {
		return fmt.Errorf("%s: %w", claim, err)
	}
	if got, err := ActPDFClaim(want); err != nil || got != claim {
		return fmt.Errorf("%w: the file claims %s; the act on record is %s", ErrActDiffers, claim, got)
	}
	if bytes.Equal(file, want) {
		return nil
	}
	return fmt.Errorf("%w (act № %s): %s", ErrActDiffers, claim.Number, pdfDifference(file, want))
}

var actKeywordsRE = regexp.MustCompile(`/Keywords \(` + regexp.QuoteMeta(actKeywordsPrefix) + `(\S+) ([a-z]+) sha256:([0-9a-f]+)\)`)

// ActPDFClaim reads which act a PDF says it is: its number, language and
// text hash, from the file's keywords.
func ActPDFClaim(file []byte) (ActClaim, error) {
	if !bytes.HasPrefix(file, []byte("%PDF-")) {
		return ActClaim{}, fmt.Errorf("%w: the file is not a PDF", ErrNotAnAct)
	}
	m := actKeywordsRE.FindSubmatch(file)
	if m == nil {
		return ActClaim{}, fmt.Errorf("%w: the PDF does not name an act in its properties", ErrNotAnAct)
	}
	c := ActClaim{Number: string(m[1]), Lang: monitoring.Lang(m[2]), Hash: string(m[3])}
	if c.Number == "draft" {
		return ActClaim{Lang: c.Lang, Hash: c.Hash}, ErrDraftAct
	}
	return c, nil
}

// pdfDifference says where two PDFs of fpdf differ: the pages whose
// content (decompressed) differs, or else the first object that does, or
// the first differing byte.
func pdfDifference(got, want []byte) string {
	gp, gerr := pdfPages(got)
	wp, werr := pdfPages(want)
	if gerr == nil && werr == nil {
		var diffs []string
		if len(gp) != len(wp) {
			diffs = append(diffs, fmt.Sprintf("the file has %d pages, the act %d", len(gp), len(wp)))
		}
		for i := 0; i < len(gp) && i < len(wp); i++ {
			switch {
			case gp[i].err != nil:
				diffs = append(diffs, fmt.Sprintf("page %d's content cannot be read (%v): it was changed", i+1, gp[i].err))
			case !bytes.Equal(gp[i].content, wp[i].content):
				at := firstDiff(gp[i].content, wp[i].content)
				where := fmt.Sprintf("from byte %d of its content", at)
				if mm, ok := textHeight(wp[i].content, at); ok {
					where = fmt.Sprintf("the line about %d mm from the top of the page", mm)
				}
				diffs = append(diffs, fmt.Sprintf("page %d's text differs (%s)", i+1, where))
			}
		}
		if len(diffs) > 0 {
			return strings.Join(diffs, "; ")
		}
	}
	gobj, wobj := pdfObjects(got), pdfObjects(want)
	var nums []int
	for n := range wobj {
		nums = append(nums, n)
	}
	for n := range gobj {
		if _, ok := wobj[n]; !ok {
			nums = append(nums, n)
		}
	}
	sort.Ints(nums)
	for _, n := range nums {
		if !bytes.Equal(gobj[n], wobj[n]) {
			return fmt.Sprintf("object %d differs (%s)", n, objectKind(wobj[n]))
		}
	}
	return fmt.Sprintf("the bytes differ from offset %d (the file has %d bytes, the act %d)", firstDiff(got, want), len(got), len(want))
}

var textPos = regexp.MustCompile(`BT ([\d.]+) ([\d.]+) Td`)

// textHeight is how far from the top of an A4 page, in mm, the text that
// a content stream draws at byte at sits: fpdf writes each piece of text
// as one line «BT x y Td … Tj ET», y in points from the foot.
func textHeight(content []byte, at int) (int, bool) {
	start := bytes.LastIndexByte(content[:min(at, len(content))], '\n') + 1
	end := bytes.IndexByte(content[start:], '\n')
	if end < 0 {
		end = len(content) - start
	}
	m := textPos.FindSubmatch(content[start : start+end])
	if m == nil {
		return 0, false
	}
	y, err := strconv.ParseFloat(string(m[2]), 64)
	if err != nil {
		return 0, false
	}
	const a4Height = 841.89 // points
	return int((a4Height-y)*25.4/72 + 0.5), true
}

func firstDiff(a, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// objectKind names an object for a message: its /Type, or "stream".
func objectKind(obj []byte) string {
	if m := regexp.MustCompile(`/Type /(\w+)`).FindSubmatch(obj); m != nil {
		return string(m[1])
	}
	if bytes.Contains(obj, []byte("stream")) {
		return "a stream"
	}
	return "a dictionary"
}

var objStart = regexp.MustCompile(`(?m)^(\d+) 0 obj\n`)

// pdfObjects splits a PDF as fpdf writes it (objects one after another,
// "N 0 obj" at a line's start, streams with a /Length) into its objects.
func pdfObjects(file []byte) map[int][]byte {
	out := map[int][]byte{}
	locs := objStart.FindAllSubmatchIndex(file, -1)
	for i, l := range locs {
		n, _ := strconv.Atoi(string(file[l[2]:l[3]]))
		end := len(file)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		out[n] = file[l[1]:end]
	}
	return out
}

type pdfPage struct {
	content []byte
	err     error
}

var (
	pageRE     = regexp.MustCompile(`/Type /Page\b[^s]`)
	contentsRE = regexp.MustCompile(`/Contents (\d+) 0 R`)
	lengthRE   = regexp.MustCompile(`/Length (\d+)`)
)

// pdfPages is each page's content stream, decompressed, in page order
// (fpdf writes pages in order, each with one content stream).
func pdfPages(file []byte) ([]pdfPage, error) {
	objs := pdfObjects(file)
	var nums []int
	for n, o := range objs {
		if pageRE.Match(o) {
			nums = append(nums, n)
		}
	}
	if len(nums) == 0 {
		return nil, errors.New("no pages")
	}
	sort.Ints(nums)
	var pages []pdfPage
	for _, n := range nums {
		m := contentsRE.FindSubmatch(objs[n])
		if m == nil {
			return nil, fmt.Errorf("page object %d has no content", n)
		}
		c, _ := strconv.Atoi(string(m[1]))
		data, err := streamData(objs[c])
		pages = append(pages, pdfPage{content: data, err: err})
	}
	return pages, nil
}

// streamData is an object's stream, inflated when it is compressed.
func streamData(obj []byte) ([]byte, error) {
	i := bytes.Index(obj, []byte("stream\n"))
	if i < 0 {
		return nil, errors.New("no stream")
	}
	m := lengthRE.FindSubmatch(obj[:i])
	if m == nil {
		return nil, errors.New("no length")
	}
	n, _ := strconv.Atoi(string(m[1]))
	start := i + len("stream\n")
	if start+n > len(obj) {
		return nil, errors.New("the stream is cut short")
	}
	data := obj[start : start+n]
	if !bytes.Contains(obj[:i], []byte("/FlateDecode")) {
		return data, nil
	}
	r, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return out, nil
}
