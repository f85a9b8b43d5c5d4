package store

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

const keysName = "keys"

// Keys are the server's own secrets that every process sharing the store
// must agree on, such as the key that signs CSRF tokens. They are made
// once, by the first process that needs one.
type Keys struct{ c *mongo.Collection }

// Keys returns the server's secrets.
func (s *Store) Keys() Keys { return Keys{c: s.db.Collection(keysName)} }

type key struct {
	Name  string `bson:"_id"`
	Value []byte `bson:"value"`
}

// GetOrCreate returns the key called name, storing fresh first when there
// is none. Two processes starting at once both end up with the key that
// was stored first: the insert of a taken _id fails on either store.
func (k Keys) GetOrCreate(ctx context.Context, name string, fresh []byte) ([]byte, error) {
	_, err := k.c.InsertOne(ctx, key{Name: name, Value: fresh})
	if err == nil {
		return fresh, nil
	}
	if !mongo.IsDuplicateKeyError(err) {
		return nil, fmt.Errorf("store: store key %s: %w", name, err)
	}
	got, err := findOne[key](ctx, k.c, bson.D{{Key: "_id", Value: name}}, "key "+name)
	if err != nil {
		return nil, err
	}
	return got.Value, nil
}
