package store

import "github.com/dichtbij/dichtbij/care"

// settingsName is the collection of per-municipality settings.
const settingsName = "municipality_settings"

// MunicipalitySettings returns the municipalities' settings, keyed by
// their CBS code ("GM0363") as _id. A municipality without a record uses
// the defaults.
func (s *Store) MunicipalitySettings() *Collection[care.MunicipalitySettings] {
	return collection[care.MunicipalitySettings](s, settingsName)
}
