package store

import "go.mongodb.org/mongo-driver/mongo"

// Raw returns the driver's handle on the named collection of the store's
// database. It exists for packages whose documents do not fit Collection's
// record shape — claims keyed by a chosen _id (e-mail addresses, hashed
// secrets), or opaque session blobs — so that they can insert, delete and
// upsert by _id themselves. Callers must keep to what both MongoDB and the
// embedded store support (see the package comment): in particular a
// conditional update is not atomic there, an insert under a chosen _id is.
func (s *Store) Raw(name string) *mongo.Collection { return s.db.Collection(name) }
