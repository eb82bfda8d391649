package expr

import (
	"math"
	"strconv"
	"strings"
	"time"

	"bmjbt/monitoring"
)

// Days are counted on Bishkek's wall clock: a date is its midnight in
// Bishkek, so dates are whole numbers and a date-time is the same day plus
// the fraction of it gone. JavaRosa counts in the device's zone the same
// way; bmjbt's devices are all in Bishkek.

const day = 24 * time.Hour

// parseDate reads a calendar date written YYYY-MM-DD and gives its days
// since 1970-01-01. A date that does not exist (2021-02-30) is no date.
func parseDate(s string) (float64, bool) {
	if len(s) != len("2006-01-02") || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, false
	}
	return daysOf(t), true
}

// parseDateTime reads an ISO 8601 date-time as ODK writes one,
// YYYY-MM-DDTHH:MM[:SS[.fff]] followed by Z, ±HH:MM, ±HHMM, ±HH or nothing
// (then it is Bishkek's wall clock), and gives its days since 1970-01-01.
func parseDateTime(s string) (float64, bool) {
	if len(s) < len("2006-01-02T15:04") || s[10] != 'T' {
		return 0, false
	}
	date, ok := parseDate(s[:10])
	if !ok {
		return 0, false
	}
	rest := s[11:]
	hour, ok1 := twoDigits(rest, 0)
	minute, ok2 := twoDigits(rest, 3)
	if !ok1 || !ok2 || rest[2] != ':' || hour > 23 || minute > 59 {
		return 0, false
	}
	rest = rest[5:]
	var sec float64
	if strings.HasPrefix(rest, ":") {
		s, ok := twoDigits(rest, 1)
		if !ok || s > 59 {
			return 0, false
		}
		sec, rest = float64(s), rest[3:]
		if strings.HasPrefix(rest, ".") {
			j := 1
			for j < len(rest) && isDigit(rest[j]) {
				j++
			}
			if j == 1 {
				return 0, false
			}
			frac, _ := strconv.ParseFloat("0"+rest[:j], 64)
			sec, rest = sec+frac, rest[j:]
		}
	}
	wall := date + (float64(hour*3600+minute*60)+sec)/86400
	if rest == "" {
		return wall, true
	}
	offset, ok := parseZone(rest)
	if !ok {
		return 0, false
	}
	// The instant is wall - offset (in UTC); seen from Bishkek it is that
	// plus Bishkek's offset at the time.
	utc := wall - float64(offset)/86400
	at := time.Unix(int64(math.Floor(utc*86400)), 0)
	_, bishkek := at.In(monitoring.Bishkek).Zone()
	return utc + float64(bishkek)/86400, true
}

// parseZone reads Z, ±HH:MM, ±HHMM or ±HH and gives the offset in seconds.
func parseZone(s string) (int, bool) {
	if s == "Z" {
		return 0, true
	}
	if len(s) < 3 || s[0] != '+' && s[0] != '-' {
		return 0, false
	}
	h, ok := twoDigits(s, 1)
	if !ok || h > 14 {
		return 0, false
	}
	m := 0
	switch rest := s[3:]; {
	case rest == "":
	case len(rest) == 3 && rest[0] == ':':
		m, ok = twoDigits(rest, 1)
	case len(rest) == 2:
		m, ok = twoDigits(rest, 0)
	default:
		ok = false
	}
	if !ok || m > 59 {
		return 0, false
	}
	off := h*3600 + m*60
	if s[0] == '-' {
		off = -off
	}
	return off, true
}

func twoDigits(s string, i int) (int, bool) {
	if i+2 > len(s) || !isDigit(s[i]) || !isDigit(s[i+1]) {
		return 0, false
	}
	return int(s[i]-'0')*10 + int(s[i+1]-'0'), true
}

// dateString reads a text as a date or a date-time, as Enketo does for
// answers, which bmjbt keeps as text.
func dateString(s string) (float64, bool) {
	s = strings.Trim(s, " \t\r\n")
	if d, ok := parseDate(s); ok {
		return d, true
	}
	return parseDateTime(s)
}

// daysOf is the number of the calendar day of t (in t's own location),
// counted from 1970-01-01.
func daysOf(t time.Time) float64 {
	civil := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return float64(civil.Unix() / int64(day/time.Second))
}

// instantDays is an instant as days since 1970-01-01 on Bishkek's clock.
func instantDays(t time.Time) float64 {
	t = t.In(monitoring.Bishkek)
	secs := t.Hour()*3600 + t.Minute()*60 + t.Second()
	return daysOf(t) + (float64(secs)+float64(t.Nanosecond())/1e9)/86400
}

// maxDays bounds the days a date may be written for: about 8,000 years
// either way, beyond which time.Time's arithmetic would overflow.
const maxDays = 3e6

// wallClock turns days back into Bishkek's wall clock, to the millisecond;
// ok is false for NaN and numbers beyond any calendar.
func wallClock(days float64) (time.Time, bool) {
	if math.IsNaN(days) || math.Abs(days) > maxDays {
		return time.Time{}, false
	}
	whole := math.Floor(days)
	ms := int64(math.Round((days - whole) * 86400e3))
	t := time.Unix(int64(whole)*86400, 0).UTC().Add(time.Duration(ms) * time.Millisecond)
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), monitoring.Bishkek), true
}

// formatDate writes a day number as YYYY-MM-DD; a fraction of a day is
// dropped. Numbers beyond any calendar give "".
func formatDate(days float64) string {
	if math.IsNaN(days) || math.Abs(days) > maxDays {
		return ""
	}
	t := time.Unix(int64(math.Floor(days))*int64(day/time.Second), 0).UTC()
	return t.Format(time.DateOnly)
}

// formatDateTime writes days as ODK writes a date-time:
// 2026-03-01T10:30:00.000+06:00.
func formatDateTime(days float64) string {
	t, ok := wallClock(days)
	if !ok {
		return ""
	}
	return t.Format("2006-01-02T15:04:05.000-07:00")
}

// asDays reads a value as a moment for format-date() and
// decimal-date-time(): a date, a date-time, a number of days, or a text
// that is a date or a date-time; anything else is NaN.
func asDays(v Value) float64 {
	switch v.kind {
	case KindDate, KindDateTime, KindNumber:
		return v.num
	case KindString:
		if d, ok := dateString(v.str); ok {
			return d
		}
	}
	return math.NaN()
}

var (
	shortMonths = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	shortDays   = [...]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
)

// formatEscapes are format-date()'s % codes as ODK documents them.
const formatEscapes = "%YymnbdeHhMS3a"

// badFormat gives the first % code of a format-date() pattern that ODK
// does not know ("%Z", or "%" at the end), or "" when all are known; Parse
// refuses a literal pattern with one, as Collect fails on it.
func badFormat(f string) string {
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			continue
		}
		if i+1 == len(f) {
			return "%"
		}
		if !strings.ContainsRune(formatEscapes, rune(f[i+1])) {
			r := []rune(f[i+1:])[0]
			return "%" + string(r)
		}
		i++
	}
	return ""
}

// formatMoment is format-date(): days written by the pattern's % codes on
// Bishkek's clock, months and weekdays in English as Collect's default;
// no date gives "". An unknown code in a computed pattern is kept as is.
func formatMoment(days float64, f string) string {
	t, ok := wallClock(days)
	if !ok {
		return ""
	}
	var b strings.Builder
	pad := func(n, width int) {
		s := strconv.Itoa(n)
		for i := len(s); i < width; i++ {
			b.WriteByte('0')
		}
		b.WriteString(s)
	}
	for i := 0; i < len(f); i++ {
		c := f[i]
		if c != '%' || i+1 == len(f) {
			b.WriteByte(c)
			continue
		}
		i++
		switch f[i] {
		case '%':
			b.WriteByte('%')
		case 'Y':
			pad(t.Year(), 4)
		case 'y':
			pad(((t.Year()%100)+100)%100, 2)
		case 'm':
			pad(int(t.Month()), 2)
		case 'n':
			b.WriteString(strconv.Itoa(int(t.Month())))
		case 'b':
			b.WriteString(shortMonths[t.Month()-1])
		case 'd':
			pad(t.Day(), 2)
		case 'e':
			b.WriteString(strconv.Itoa(t.Day()))
		case 'H':
			pad(t.Hour(), 2)
		case 'h':
			b.WriteString(strconv.Itoa(t.Hour()))
		case 'M':
			pad(t.Minute(), 2)
		case 'S':
			pad(t.Second(), 2)
		case '3':
			pad(t.Nanosecond()/1e6, 3)
		case 'a':
			b.WriteString(shortDays[t.Weekday()])
		default:
			b.WriteByte('%')
			b.WriteByte(f[i])
		}
	}
	return b.String()
}
