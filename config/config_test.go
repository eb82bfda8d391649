package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"bmjbt/config"
)

func TestTheShippedMunicipalityLoads(t *testing.T) {
	f, err := config.Load("")
	if err != nil {
		t.Fatal(err)
	}
	m := f.Municipality()
	if m.Code != "sadyrbaev" || len(m.Villages) != 15 || m.ResponseDays != 14 || m.EntriesPerHour != 10 {
		t.Fatalf("municipality = %+v", m)
	}
	if v, ok := m.Village("jangy-aryk"); !ok || v.Name.KY != "Жаңы-Арык" {
		t.Fatalf("Жаңы-Арык = %+v", v)
	}
	// Every button's data fits Telegram's 64 bytes.
	for _, p := range append(m.Villages, m.Services...) {
		if len("999999|v:"+p.Code) > 64 {
			t.Errorf("%s makes callback data too long", p.Code)
		}
	}
}

func TestBadConfigsSayWhatToFix(t *testing.T) {
	for name, tc := range map[string]struct{ yaml, want string }{
		"unknown field": {"code: x\nname: {ky: a, ru: b}\nvilages: []\n", "field vilages not found"},
		"bad code":      {"code: Sadyrbaev!\nname: {ky: a, ru: b}\nvillages: [{code: a, name: {ky: a, ru: a}}]\n", "lowercase latin"},
		"no villages":   {"code: x\nname: {ky: a, ru: b}\n", "villages: list at least one"},
		"twice":         {"code: x\nname: {ky: a, ru: b}\nvillages: [{code: a, name: {ky: a, ru: a}}, {code: a, name: {ky: b, ru: b}}]\n", "appears twice"},
		"other":         {"code: x\nname: {ky: a, ru: b}\nvillages: [{code: a, name: {ky: a, ru: a}}]\nservices: [{code: other, name: {ky: a, ru: a}}]\n", "reserved"},
		"no russian":    {"code: x\nname: {ky: a, ru: b}\nvillages: [{code: a, name: {ky: a}}]\n", "both ky and ru"},
	} {
		path := filepath.Join(t.TempDir(), "m.yaml")
		os.WriteFile(path, []byte(tc.yaml), 0o600)
		_, err := config.Load(path)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to say %q", name, err, tc.want)
		}
	}
}

func TestEnvironmentDefaultsAndMistakes(t *testing.T) {
	e, err := config.FromEnv(func(string) string { return "" })
	if err != nil || e.TelegramAPIURL != "https://api.telegram.org" || e.HTTPAddr != "127.0.0.1:8080" || e.DatabaseURL != "" || e.RetentionDays != 90 {
		t.Fatalf("defaults = %+v, %v", e, err)
	}
	if e, err := config.FromEnv(func(k string) string { return map[string]string{"BMJBT_RETENTION_DAYS": "0"}[k] }); err != nil || e.RetentionDays != 0 {
		t.Fatalf("BMJBT_RETENTION_DAYS=0 gives %d, %v; want 0 (keep everything)", e.RetentionDays, err)
	}
	bad := map[string]string{"TELEGRAM_API_URL": "localhost", "LOG_LEVEL": "loud", "WEBHOOK_SECRET": "has space", "BMJBT_RETENTION_DAYS": "three months"}
	_, err = config.FromEnv(func(k string) string { return bad[k] })
	for _, want := range []string{"TELEGRAM_API_URL", "LOG_LEVEL", "WEBHOOK_SECRET", "BMJBT_RETENTION_DAYS"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want it to name %s", err, want)
		}
	}
}
