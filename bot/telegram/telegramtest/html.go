package telegramtest

import (
	"fmt"
	"html"
	"regexp"
	"strings"
)

// Telegram's HTML (parse_mode HTML): these tags, properly nested, and
// only the entities &lt; &gt; &amp; &quot; and numeric ones; a bare "<"
// or "&" is refused with 400 "can't parse entities", as Telegram does.
var htmlTags = map[string]bool{"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true, "s": true,
	"strike": true, "del": true, "a": true, "code": true, "pre": true, "blockquote": true, "tg-spoiler": true, "span": true}

var (
	tagRE    = regexp.MustCompile(`^<(/?)([a-z-]+)((?:\s+[a-z-]+="[^"<>]*")*)\s*>`)
	entityRE = regexp.MustCompile(`^&(lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);`)
)

// parseHTML gives the text a chat shows for a message in Telegram's HTML,
// or the error Telegram answers.
func parseHTML(s string) (string, error) {
	var out strings.Builder
	var open []string
	for i := 0; i < len(s); {
		switch s[i] {
		case '<':
			m := tagRE.FindStringSubmatch(s[i:])
			if m == nil || !htmlTags[m[2]] {
				return "", fmt.Errorf("can't parse entities: unsupported start tag at byte offset %d", i)
			}
			if m[1] == "/" {
				if len(open) == 0 || open[len(open)-1] != m[2] {
					return "", fmt.Errorf("can't parse entities: unexpected end tag at byte offset %d", i)
				}
				open = open[:len(open)-1]
			} else {
				open = append(open, m[2])
			}
			i += len(m[0])
		case '&':
			m := entityRE.FindString(s[i:])
			if m == "" {
				return "", fmt.Errorf("can't parse entities: unsupported entity at byte offset %d", i)
			}
			out.WriteString(html.UnescapeString(m))
			i += len(m)
		default:
			out.WriteByte(s[i])
			i++
		}
	}
	if len(open) > 0 {
		return "", fmt.Errorf("can't parse entities: can't find end tag corresponding to start tag %q", open[len(open)-1])
	}
	return out.String(), nil
}
