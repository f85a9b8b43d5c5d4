package store

import "github.com/dichtbij/dichtbij/care"

const notificationsName = "notifications"

// Notifications returns the notifications to the sides of referrals.
func (s *Store) Notifications() *Collection[care.Notification] {
	return collection[care.Notification](s, notificationsName)
}
