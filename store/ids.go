package store

import (
	"context"
	"errors"

	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/x/mongo/driver/topology"
)

// NewID returns a fresh record id: an ObjectID in hex, 24 characters,
// which sorts by time of creation.
func NewID() string { return primitive.NewObjectID().Hex() }

// Unavailable reports an error of a store that is overloaded, timed out
// or gone, which is the server's state rather than a fault of the
// request.
func Unavailable(err error) bool {
	return mongo.IsTimeout(err) || mongo.IsNetworkError(err) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, mongo.ErrClientDisconnected) || errors.As(err, new(topology.ServerSelectionError))
}
