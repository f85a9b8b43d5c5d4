package store

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/bsontype"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/dichtbij/dichtbij/care"
)

// WithFollowUpDue calls fn with each referral that holds a follow-up not
// done and due before before, in _id order.
func (c Referrals) WithFollowUpDue(ctx context.Context, before time.Time, fn func(care.Referral) error) error {
	return eachKept(ctx, c.Collection, func(doc bson.Raw) bool { return followUpDue(doc, before) }, fn)
}

// WithFollowUpDue calls fn with each specialist referral that holds a
// follow-up not done and due before before, in _id order.
func (c Specialists) WithFollowUpDue(ctx context.Context, before time.Time, fn func(care.Specialist) error) error {
	return eachKept(ctx, c.Collection, func(doc bson.Raw) bool { return followUpDue(doc, before) }, fn)
}

// eachKept decodes and hands fn only the documents keep accepts, read as
// stored: the team's follow-ups decoded every referral of the store for
// the few with one due (at 30,000 options, 10 % of the server's CPU
// under the team load). keep sees the document before its decode;
// Collection.Each is eachKept keeping everything.
func eachKept[T Record](ctx context.Context, c *Collection[T], keep func(bson.Raw) bool, fn func(T) error) error {
	visit := func(doc bson.Raw) error {
		if !keep(doc) {
			return nil
		}
		var rec T
		if err := bson.UnmarshalWithRegistry(registry, doc, &rec); err != nil {
			return fmt.Errorf("store: scan %s: decode: %w", c.name, err)
		}
		return fn(rec)
	}
	if m := c.s.mirrorOf(c.name); m != nil {
		for _, doc := range m.collect(nil, "", 0) {
			if err := visit(doc); err != nil {
				return err
			}
		}
		return nil
	}
	cur, err := c.c.Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetBatchSize(1000))
	if err != nil {
		return fmt.Errorf("store: scan %s: %w", c.name, err)
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		if err := visit(cur.Current); err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("store: scan %s: %w", c.name, err)
	}
	return nil
}

// followUpDue reports whether doc's follow_ups hold one without done_at
// (or with a null one) that is due before before. It reads the BSON in
// place, the fields as care.FollowUp names them.
func followUpDue(doc bson.Raw, before time.Time) bool {
	v, err := doc.LookupErr("follow_ups")
	if err != nil || v.Type != bsontype.Array {
		return false
	}
	vals, err := v.Array().Values()
	if err != nil {
		return false
	}
	for _, e := range vals {
		f, ok := e.DocumentOK()
		if !ok {
			continue
		}
		if done, err := f.LookupErr("done_at"); err == nil && done.Type != bsontype.Null {
			continue
		}
		if due, ok := f.Lookup("due").TimeOK(); ok && due.Before(before) {
			return true
		}
	}
	return false
}
