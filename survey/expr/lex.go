package expr

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// kind is what a token is. The lexer knows nothing of which names are
// operators: "and", "div" and the like are names until the parser, which
// knows whether it expects an operand or an operator, decides (XPath 1.0,
// section 3.7, resolves the same ambiguity by the preceding token).
type kind int

const (
	tEOF      kind = iota
	tRef           // ${name}
	tName          // a bare name: a function, an operator word or a choice column
	tNumber        // 12, 1.5, .5
	tString        // 'text' or "text"
	tDot           // .
	tDotDot        // .. (refused: parent axis)
	tLParen        // (
	tRParen        // )
	tComma         // ,
	tEq            // =
	tNeq           // !=
	tLt            // <
	tLte           // <=
	tGt            // >
	tGte           // >=
	tPlus          // +
	tMinus         // -
	tStar          // *
	tSlash         // / (refused: paths)
	tDSlash        // // (refused: paths)
	tLBracket      // [ (refused: predicates)
	tRBracket      // ]
	tAt            // @ (refused: attributes)
	tPipe          // | (refused: unions)
	tAxis          // :: (refused: axes)
	tColon         // : (refused: namespace prefixes such as jr:)
	tDollar        // $name (refused: XPath variables)
)

type token struct {
	kind kind
	text string // the name, the string's content, the number's digits
	pos  int    // byte offset in the source
}

// lex cuts src into tokens. It fails only on text that cannot be a token
// at all (an unclosed string or ${, a stray character); whether the tokens
// make a supported expression is the parser's business.
func lex(src string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
			continue
		case c == '$' && strings.HasPrefix(src[i:], "${"):
			end := strings.IndexByte(src[i:], '}')
			if end < 0 {
				return nil, errAt(src, i, "${ is not closed by }")
			}
			name := strings.TrimSpace(src[i+2 : i+end])
			if strings.HasPrefix(name, "last-saved#") {
				return nil, unsupportedAt(src, i, fmt.Sprintf("unsupported %s (the last saved form)", src[i:i+end+1]))
			}
			if !isName(name) {
				return nil, errAt(src, i, fmt.Sprintf("%q is not a question name", src[i:i+end+1]))
			}
			toks = append(toks, token{tRef, name, i})
			i += end + 1
			continue
		case c == '$':
			j := i + 1
			for j < len(src) && isNameByte(src, j) {
				j += nameRuneLen(src, j)
			}
			toks = append(toks, token{tDollar, src[i:j], i})
			i = j
			continue
		case c == '\'' || c == '"':
			end := strings.IndexByte(src[i+1:], c)
			if end < 0 {
				return nil, errAt(src, i, "string is not closed")
			}
			toks = append(toks, token{tString, src[i+1 : i+1+end], i})
			i += end + 2
			continue
		case isDigit(c) || c == '.' && i+1 < len(src) && isDigit(src[i+1]):
			j := i
			for j < len(src) && isDigit(src[j]) {
				j++
			}
			if j < len(src) && src[j] == '.' {
				j++
				for j < len(src) && isDigit(src[j]) {
					j++
				}
			}
			toks = append(toks, token{tNumber, src[i:j], i})
			i = j
			continue
		case isNameStart(src, i):
			j := i
			for j < len(src) && isNameByte(src, j) {
				j += nameRuneLen(src, j)
			}
			toks = append(toks, token{tName, src[i:j], i})
			i = j
			continue
		}
		k, n := punct(src[i:])
		if n == 0 {
			r, _ := utf8.DecodeRuneInString(src[i:])
			return nil, errAt(src, i, fmt.Sprintf("unexpected character %q", r))
		}
		toks = append(toks, token{k, src[i : i+n], i})
		i += n
	}
	return append(toks, token{tEOF, "", len(src)}), nil
}

// punct reads an operator or punctuation mark at the start of s and
// returns its kind and length, or length 0 if s starts with none.
func punct(s string) (kind, int) {
	if len(s) >= 2 {
		if k, ok := twoChar[s[:2]]; ok {
			return k, 2
		}
	}
	if k, ok := oneChar[s[0]]; ok {
		return k, 1
	}
	return tEOF, 0
}

var twoChar = map[string]kind{"!=": tNeq, "<=": tLte, ">=": tGte, "//": tDSlash, "::": tAxis, "..": tDotDot}

var oneChar = map[byte]kind{'.': tDot, '(': tLParen, ')': tRParen, ',': tComma, '=': tEq, '<': tLt,
	'>': tGt, '+': tPlus, '-': tMinus, '*': tStar, '/': tSlash, '[': tLBracket, ']': tRBracket,
	'@': tAt, '|': tPipe, ':': tColon}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isNameStart and isNameByte follow XML's NCName loosely, as pyxform does
// for question names: a letter or underscore, then letters, digits, '_',
// '-' and '.'. Names may be in Cyrillic.
func isNameStart(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r == '_' || unicode.IsLetter(r)
}

func isNameByte(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r == '_' || r == '-' || r == '.' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

func nameRuneLen(s string, i int) int {
	_, n := utf8.DecodeRuneInString(s[i:])
	return n
}

// isName reports whether s is a whole question name, or a group path of
// names ("water/comment"): how bmjbt keys a question whose name is used in
// two groups. (The form reader refuses paths written by a form's author,
// as pyxform does; only the questions or_other adds use them.)
func isName(s string) bool {
	for seg := range strings.SplitSeq(s, "/") {
		if !isPlainName(seg) {
			return false
		}
	}
	return true
}

func isPlainName(s string) bool {
	if s == "" || !isNameStart(s, 0) {
		return false
	}
	for i := 0; i < len(s); i += nameRuneLen(s, i) {
		if !isNameByte(s, i) {
			return false
		}
	}
	return true
}
