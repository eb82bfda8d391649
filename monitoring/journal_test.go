package monitoring_test

import (
	"testing"

	"bmjbt/monitoring"
)

func TestParseNumberAsResidentsTypeIt(t *testing.T) {
	for _, s := range []string{"2025-0042", "2025-42", " №2025-0042 ", "2025/42", "#2025 42"} {
		n, err := monitoring.ParseNumber(s)
		if err != nil || n.String() != "2025-0042" {
			t.Errorf("%q: %v, %v", s, n, err)
		}
	}
	for _, s := range []string{"", "42", "2025-", "abcd-0001", "2025-0", "1999-0001"} {
		if _, err := monitoring.ParseNumber(s); monitoring.ErrorCode(err) != monitoring.EINVALID {
			t.Errorf("%q: err = %v, want invalid", s, err)
		}
	}
}

func TestParseLangFromAppLanguage(t *testing.T) {
	for tag, want := range map[string]monitoring.Lang{"ru": "ru", "ru-RU": "ru", "ky": "ky", "KY_kg": "ky", "en": "ky", "": "ky", "uz": "ky"} {
		if got, _ := monitoring.ParseLang(tag); got != want {
			t.Errorf("%q → %s, want %s", tag, got, want)
		}
	}
}
