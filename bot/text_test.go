package bot

import "testing"

// Residents type villages and services as they can: in Russian letters,
// without Kyrgyz ones, in Latin, with or without hyphens.
func TestFoldMatchesHowPeopleType(t *testing.T) {
	for label, typed := range map[string][]string{
		"Жаңы-Арык":  {"жаны арык", "ЖАҢЫ-АРЫК", "Jangy-Aryk", "jany aryk", "Zhany Aryk"},
		"Кызыл-Туу":  {"кызыл туу", "Kyzyl-Tuu", "kizil tuu"},
		"Көк-Айдар":  {"Кок Айдар", "Kok-Aidar", "kok aydar"},
		"Жон-Арык":   {"Dzhon-Aryk", "jon aryk", "Жон арык"},
		"Масы":       {"masy", "Масы.", " масы "},
		"Ичүүчү суу": {"ичуучу суу", "Ichuuchu suu"},
	} {
		for _, s := range typed {
			if fold(s) != fold(label) {
				t.Errorf("%q does not match %q (%q vs %q)", s, label, fold(s), fold(label))
			}
		}
	}
	for a, b := range map[string]string{"Масы": "Эски-Масы", "Арал": "Алма", "Богот": "Бирдик"} {
		if fold(a) == fold(b) {
			t.Errorf("%q and %q fold alike", a, b)
		}
	}
}
