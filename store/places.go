package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
)

// Place is one claimed place of something with limited room: a
// volunteer's or initiative's capacity, or the spots of one activity
// occurrence.
type Place struct {
	// ID is "<pool>#<n>": the pool (e.g. "volunteer:<id>" or
	// "activity:<id>@<unix start>") and the place number, 1..capacity.
	ID      string    `bson:"_id"`
	Pool    string    `bson:"pool"`
	Number  int       `bson:"number"`
	Holder  string    `bson:"holder"` // e.g. the referral id
	Claimed time.Time `bson:"claimed"`
}

// ErrFull means every place of a pool is taken.
var ErrFull = errors.New("no place left")

const placesName = "places"

// Places hands out places so that a pool is never oversold, on MongoDB and
// on the embedded store alike. A conditional update ("decrement if > 0")
// is not atomic on FerretDB (measured when this was designed: 3 to 7 of
// 200 concurrent decrements of 3 spots succeeded), but an insert is: a place is claimed
// by inserting a document whose _id names the pool and the place number,
// and a duplicate-key error means someone else has it. Counting and
// releasing use _id equality only, which FerretDB serves from its index.
type Places struct {
	c *mongo.Collection
	// byID: the store is FerretDB, which reads every place for a delete
	// by _id and holder (33 ms a release under the team load).
	byID bool
}

// Places returns the place claims.
func (s *Store) Places() *Places { return &Places{c: s.db.Collection(placesName), byID: s.ferret} }

var placeOfHolder = newQuery(placesName, "Places.Release", "_id", "holder")

func placeID(pool string, n int) string { return fmt.Sprintf("%s#%d", pool, n) }

// Claim takes the lowest free place of pool (1..capacity) for holder and
// returns its number, or ErrFull.
func (p *Places) Claim(ctx context.Context, pool string, capacity int, holder string, at time.Time) (int, error) {
	for n := 1; n <= capacity; n++ {
		_, err := p.c.InsertOne(ctx, Place{ID: placeID(pool, n), Pool: pool, Number: n, Holder: holder, Claimed: at.UTC()})
		if err == nil {
			return n, nil
		}
		if !mongo.IsDuplicateKeyError(err) {
			return 0, fmt.Errorf("store: claim %s: %w", placeID(pool, n), err)
		}
	}
	return 0, fmt.Errorf("store: claim in %s (capacity %d): %w", pool, capacity, ErrFull)
}

// Release frees place n of pool if holder has it, and reports whether it
// did. Only the holder releases its place, so no two releases race.
func (p *Places) Release(ctx context.Context, pool string, n int, holder string) (bool, error) {
	if p.byID {
		// The holder is checked first and the place deleted by _id alone.
		// Only the holder releases, and nobody else can claim the place
		// while it is held, so nothing comes between the two.
		var pl Place
		err := p.c.FindOne(ctx, bson.D{{Key: "_id", Value: placeID(pool, n)}}).Decode(&pl)
		if errors.Is(err, mongo.ErrNoDocuments) || (err == nil && pl.Holder != holder) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("store: release %s: %w", placeID(pool, n), err)
		}
		res, err := p.c.DeleteOne(ctx, bson.D{{Key: "_id", Value: placeID(pool, n)}})
		if err != nil {
			return false, fmt.Errorf("store: release %s: %w", placeID(pool, n), err)
		}
		return res.DeletedCount == 1, nil
	}
	res, err := p.c.DeleteOne(ctx, placeOfHolder.filter(placeID(pool, n), holder))
	if err != nil {
		return false, fmt.Errorf("store: release %s: %w", placeID(pool, n), err)
	}
	return res.DeletedCount == 1, nil
}

// Taken returns the claimed places of pool among 1..capacity, by place
// number, with one _id lookup per place.
func (p *Places) Taken(ctx context.Context, pool string, capacity int) ([]Place, error) {
	var out []Place
	for n := 1; n <= capacity; n++ {
		var pl Place
		err := p.c.FindOne(ctx, bson.D{{Key: "_id", Value: placeID(pool, n)}}).Decode(&pl)
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("store: places of %s: %w", pool, err)
		}
		out = append(out, pl)
	}
	return out, nil
}

// InPool counts the claimed places of one pool by _id lookups: places
// 1..capacity, then on while they are found, for places claimed before
// the capacity was lowered. A count by option would read every place on
// the embedded store, which cannot find by another field.
func (p *Places) InPool(ctx context.Context, pool string, capacity int) (int, error) {
	n := 0
	for i := 1; ; i++ {
		ok, err := hasID(ctx, p.c, placeID(pool, i))
		if err != nil {
			return 0, fmt.Errorf("store: places of %s: %w", pool, err)
		}
		if ok {
			n++
		} else if i > capacity {
			return n, nil
		}
	}
}

// Counts returns how many places are taken per pool, for every pool:
// the matching engine reads it at its load to know the places left
// (after that, a referral's move counts its one pool: InPool).
func (p *Places) Counts(ctx context.Context) (map[string]int, error) {
	cur, err := p.c.Find(ctx, bson.D{})
	if err != nil {
		return nil, fmt.Errorf("store: count places: %w", err)
	}
	defer cur.Close(ctx)
	out := map[string]int{}
	for cur.Next(ctx) {
		var pl Place
		if err := cur.Decode(&pl); err != nil {
			return nil, fmt.Errorf("store: count places: decode: %w", err)
		}
		out[pl.Pool]++
	}
	if err := cur.Err(); err != nil {
		return nil, fmt.Errorf("store: count places: %w", err)
	}
	return out, nil
}
