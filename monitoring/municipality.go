package monitoring

// OtherService is the service code residents choose when no category fits.
const OtherService = "other"

// Municipality is a rural municipality (айыл аймагы) served by one bot, one
// group and one journal.
type Municipality struct {
	Code     string
	Name     Text
	Seat     Text
	Council  Text
	Villages []Place
	Services []Place
	// Projects and Providers are the other objects the group monitors and
	// members recuse themselves from (2.3, 5.2, 6.3).
	Projects  []Project
	Providers []Provider
	// ResponseDays is how long the group has to answer an entry.
	ResponseDays int
	// EntriesPerHour limits new entries from one resident, against floods.
	EntriesPerHour int
	// GroupLang is the language of cards and digests in the group's chat.
	GroupLang Lang
	// WhatsAppGroup is the WhatsApp group residents post to (5.6), "" if none.
	WhatsAppGroup string
}

// Place is a village or a service category: a short code and its names.
type Place struct {
	Code string `yaml:"code"`
	Name Text   `yaml:"name"`
}

// Village returns the village with the given code.
func (m *Municipality) Village(code string) (Place, bool) { return find(m.Villages, code) }

// Service returns the service with the given code. OtherService is always
// known; its name comes from the catalogues, so its Name is empty here.
func (m *Municipality) Service(code string) (Place, bool) {
	if code == OtherService {
		return Place{Code: OtherService}, true
	}
	return find(m.Services, code)
}

func find(places []Place, code string) (Place, bool) {
	for _, p := range places {
		if p.Code == code {
			return p, true
		}
	}
	return Place{}, false
}
