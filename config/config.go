// Package config reads the municipality file (YAML) and the environment.
package config

import (
	_ "embed"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"bmjbt/monitoring"
)

//go:embed sadyrbaev.yaml
var defaultFile []byte

// DefaultName names the shipped example in messages.
const DefaultName = "built-in sadyrbaev.yaml"

// File is one municipality's configuration.
type File struct {
	Code           string             `yaml:"code"`
	Name           monitoring.Text    `yaml:"name"`
	Seat           monitoring.Text    `yaml:"seat"`
	Council        monitoring.Text    `yaml:"council"`
	ResponseDays   int                `yaml:"response_days"`
	EntriesPerHour int                `yaml:"entries_per_hour"`
	Villages       []monitoring.Place `yaml:"villages"`
	Services       []monitoring.Place `yaml:"services"`
	// Projects (2.3: with their funding, 5.2) and providers (6.3) are the
	// other objects of monitoring and of recusal.
	Projects  []monitoring.Project  `yaml:"projects"`
	Providers []monitoring.Provider `yaml:"providers"`
	// GroupLang is the language of the group chat's cards (ky or ru).
	GroupLang monitoring.Lang `yaml:"group_lang"`
	Telegram  struct {
		// GroupChatID binds the members' chat without /bindgroup.
		GroupChatID int64 `yaml:"group_chat_id"`
	} `yaml:"telegram"`
	WhatsApp struct {
		// ResidentGroup is the WhatsApp group residents post to (5.6).
		ResidentGroup string `yaml:"resident_group"`
		// PerMinute and ColdChatSeconds pace the sender.
		PerMinute       int `yaml:"per_minute"`
		ColdChatSeconds int `yaml:"cold_chat_seconds"`
	} `yaml:"whatsapp"`
}

// Load reads the municipality file at path, or the shipped example when path is "".
func Load(path string) (*File, error) {
	data, name := defaultFile, DefaultName
	if path != "" {
		var err error
		if data, err = os.ReadFile(path); err != nil {
			return nil, fmt.Errorf("read config: %w", err)
		}
		name = path
	}
	var f File
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("config %s: %w", name, err)
	}
	if f.ResponseDays == 0 {
		f.ResponseDays = 14
	}
	if f.EntriesPerHour == 0 {
		f.EntriesPerHour = 10
	}
	if f.GroupLang == "" {
		f.GroupLang = monitoring.DefaultLang
	}
	if err := f.validate(); err != nil {
		return nil, fmt.Errorf("config %s: %w", name, err)
	}
	return &f, nil
}

var codeRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,23}$`)

func (f *File) validate() error {
	var errs []error
	if !codeRE.MatchString(f.Code) {
		errs = append(errs, fmt.Errorf("code %q: use 1-24 lowercase latin letters, digits and hyphens", f.Code))
	}
	if f.Name.KY == "" || f.Name.RU == "" {
		errs = append(errs, errors.New("name: give both ky and ru"))
	}
	if len(f.Villages) == 0 {
		errs = append(errs, errors.New("villages: list at least one"))
	}
	if g := f.WhatsApp.ResidentGroup; g != "" && !strings.HasSuffix(g, "@g.us") {
		errs = append(errs, fmt.Errorf("whatsapp.resident_group %q: give the group's JID, ending in @g.us (bmjbt whatsapp status lists the groups)", g))
	}
	if f.GroupLang != monitoring.Kyrgyz && f.GroupLang != monitoring.Russian {
		errs = append(errs, fmt.Errorf("group_lang %q: use ky or ru", f.GroupLang))
	}
	if f.ResponseDays < 1 || f.EntriesPerHour < 1 {
		errs = append(errs, errors.New("response_days and entries_per_hour must be positive"))
	}
	for _, list := range []struct {
		name   string
		places []monitoring.Place
	}{{"villages", f.Villages}, {"services", f.Services}} {
		seen := map[string]bool{}
		for i, p := range list.places {
			switch {
			case !codeRE.MatchString(p.Code):
				errs = append(errs, fmt.Errorf("%s[%d]: code %q: use lowercase latin letters, digits and hyphens (at most 24)", list.name, i, p.Code))
			case p.Code == monitoring.OtherService:
				errs = append(errs, fmt.Errorf("%s[%d]: code %q is reserved for \"Other\"", list.name, i, p.Code))
			case seen[p.Code]:
				errs = append(errs, fmt.Errorf("%s[%d]: code %q appears twice", list.name, i, p.Code))
			}
			seen[p.Code] = true
			if p.Name.KY == "" || p.Name.RU == "" {
				errs = append(errs, fmt.Errorf("%s[%d] %s: give the name in both ky and ru", list.name, i, p.Code))
			}
		}
	}
	errs = append(errs, f.validateObjects()...)
	return errors.Join(errs...)
}

func (f *File) validateObjects() []error {
	var errs []error
	seen := map[string]bool{}
	for i, p := range f.Projects {
		switch {
		case !codeRE.MatchString(p.Code):
			errs = append(errs, fmt.Errorf("projects[%d]: code %q: use lowercase latin letters, digits and hyphens (at most 24)", i, p.Code))
		case seen["p:"+p.Code]:
			errs = append(errs, fmt.Errorf("projects[%d]: code %q appears twice", i, p.Code))
		}
		seen["p:"+p.Code] = true
		if p.Name.KY == "" || p.Name.RU == "" {
			errs = append(errs, fmt.Errorf("projects[%d] %s: give the name in both ky and ru", i, p.Code))
		}
		if !slices.Contains(monitoring.Fundings, p.Funding) {
			errs = append(errs, fmt.Errorf("projects[%d] %s: funding %q: one of local-budget, community, donor (Regulation 1.1)", i, p.Code, p.Funding))
		}
		if p.Amount < 0 {
			errs = append(errs, fmt.Errorf("projects[%d] %s: amount is in som, 0 or more", i, p.Code))
		}
	}
	services := map[string]bool{}
	for _, s := range f.Services {
		services[s.Code] = true
	}
	for i, p := range f.Providers {
		switch {
		case !codeRE.MatchString(p.Code):
			errs = append(errs, fmt.Errorf("providers[%d]: code %q: use lowercase latin letters, digits and hyphens (at most 24)", i, p.Code))
		case seen["v:"+p.Code]:
			errs = append(errs, fmt.Errorf("providers[%d]: code %q appears twice", i, p.Code))
		}
		seen["v:"+p.Code] = true
		if p.Name.KY == "" || p.Name.RU == "" {
			errs = append(errs, fmt.Errorf("providers[%d] %s: give the name in both ky and ru", i, p.Code))
		}
		for _, s := range p.Services {
			if !services[s] {
				errs = append(errs, fmt.Errorf("providers[%d] %s: service %q is not among the services", i, p.Code, s))
			}
		}
	}
	return errs
}

// Municipality returns the domain view of the file.
func (f *File) Municipality() *monitoring.Municipality {
	return &monitoring.Municipality{
		Code: f.Code, Name: f.Name, Seat: f.Seat, Council: f.Council, Villages: f.Villages, Services: f.Services,
		Projects: f.Projects, Providers: f.Providers,
		ResponseDays: f.ResponseDays, EntriesPerHour: f.EntriesPerHour, GroupLang: f.GroupLang,
		WhatsAppGroup: f.WhatsApp.ResidentGroup,
	}
}
