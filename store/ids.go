package store

import "go.mongodb.org/mongo-driver/bson/primitive"

// NewID returns a record id: an ObjectID's 24 hex digits, which sort by
// creation time (cursors over lists rely on that).
func NewID() string { return primitive.NewObjectID().Hex() }
