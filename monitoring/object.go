package monitoring

import (
	"slices"
	"strings"
)

// Funding is where a project's money comes from (1.1: the local budget,
// community contributions, donors).
type Funding string

const (
	LocalBudget Funding = "local-budget"
	Community   Funding = "community"
	Donor       Funding = "donor"
)

// Fundings lists every funding source.
var Fundings = []Funding{LocalBudget, Community, Donor}

// NoticeRequired reports whether a project's monitoring must be told to
// its stakeholders beforehand (5.2): one paid for by the local budget or
// the community's contributions.
func (f Funding) NoticeRequired() bool { return f == LocalBudget || f == Community }

// Project is a council-approved project, programme or initiative the
// group monitors (2.3).
type Project struct {
	Code        string  `yaml:"code"`
	Name        Text    `yaml:"name"`
	Funding     Funding `yaml:"funding"`
	Amount      int64   `yaml:"amount"` // som
	Implementer string  `yaml:"implementer"`
}

// Provider is an organisation that provides a service (a monitored
// provider: 3.2.1, 6.3), with the services it provides.
type Provider struct {
	Code     string   `yaml:"code"`
	Name     Text     `yaml:"name"`
	Services []string `yaml:"services"`
}

// Object kinds a recusal or a monitoring names: a service, a project or a
// provider (2.3, 6.3), and one survey.
const (
	ObjectService  = "service"
	ObjectProject  = "project"
	ObjectProvider = "provider"
	ObjectSurvey   = "survey"
)

// ObjectRef names an object as "project:kensai"; a bare code is a service,
// as recusals were recorded before projects and providers.
func ObjectRef(kind, code string) string {
	if kind == ObjectService {
		return code
	}
	return kind + ":" + code
}

// SplitRef reads an object reference back into its kind and code.
func SplitRef(ref string) (kind, code string) {
	if k, c, ok := strings.Cut(ref, ":"); ok {
		return k, c
	}
	return ObjectService, ref
}

// Project returns the project with the given code.
func (m *Municipality) Project(code string) (Project, bool) {
	i := slices.IndexFunc(m.Projects, func(p Project) bool { return p.Code == code })
	if i < 0 {
		return Project{}, false
	}
	return m.Projects[i], true
}

// Provider returns the provider with the given code.
func (m *Municipality) Provider(code string) (Provider, bool) {
	i := slices.IndexFunc(m.Providers, func(p Provider) bool { return p.Code == code })
	if i < 0 {
		return Provider{}, false
	}
	return m.Providers[i], true
}

// CheckObject refuses a reference to nothing in the config.
func (m *Municipality) CheckObject(ref string) error {
	kind, code := SplitRef(ref)
	ok := false
	switch kind {
	case ObjectService:
		_, ok = m.Service(code)
	case ObjectProject:
		_, ok = m.Project(code)
	case ObjectProvider:
		_, ok = m.Provider(code)
	}
	if !ok {
		return Errorf(EINVALID, "%q is not a service, project or provider of the config: write service code, project:CODE or provider:CODE", ref)
	}
	return nil
}

// ObjectName is an object's name in lang ("" for one not in the config).
func (m *Municipality) ObjectName(ref string, lang Lang) string {
	kind, code := SplitRef(ref)
	switch kind {
	case ObjectService:
		if p, ok := m.Service(code); ok {
			return p.Name.In(lang)
		}
	case ObjectProject:
		if p, ok := m.Project(code); ok {
			return p.Name.In(lang)
		}
	case ObjectProvider:
		if p, ok := m.Provider(code); ok {
			return p.Name.In(lang)
		}
	}
	return ""
}

// Related reports whether a recusal of ref covers the object target: the
// same object, or a provider of the service monitored (a member related
// to the provider takes no part in monitoring its service, 6.3).
func (m *Municipality) Related(ref, target string) bool {
	if ref == target {
		return true
	}
	rk, rc := SplitRef(ref)
	tk, tc := SplitRef(target)
	if rk == ObjectProvider && tk == ObjectService {
		if p, ok := m.Provider(rc); ok {
			return slices.Contains(p.Services, tc)
		}
	}
	return false
}

// RecusedFromObject reports whether any of the member's recusals covers
// the object (6.3).
func (m Member) RecusedFromObject(muni *Municipality, target string) bool {
	return slices.ContainsFunc(m.Recused, func(ref string) bool { return muni.Related(ref, target) })
}
