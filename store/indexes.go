package store

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// index is one secondary index. On the embedded store only _id equality is
// pushed down today, but these serve a real MongoDB and cost little here.
type index struct {
	collection string
	name       string
	keys       bson.D
}

func indexes() []index {
	k := func(fields ...string) bson.D {
		d := bson.D{}
		for _, f := range fields {
			d = append(d, bson.E{Key: f, Value: 1})
		}
		return d
	}
	return []index{
		{volunteersName, "municipality_help_types", k("area.municipality_code", "help_types")},
		{volunteersName, "status", k("status")},
		{initiativesName, "municipality_help_types", k("area.municipality_code", "help_types")},
		{provisionsName, "municipality_help_types", k("area.municipality_code", "help_types")},
		{activitiesName, "municipality_help_types", k("area.municipality_code", "help_types")},
		{activitiesName, "provision_id", k("provision_id")},
		{activitiesName, "initiative_id", k("initiative_id")},
		{requestsName, "municipality_status", k("area.municipality_code", "status")},
		{referralsName, "request_id", k("request_id")},
		{referralsName, "option_state", k("option_id", "state")},
		{auditName, "request_id", k("request_id")},
		{referralsName, "owner_id", k("owner_id")},
		{requestsName, "resident_account", k("resident_account")},
		{requestsName, "status", k("status")},
		{specialistsName, "request_id", k("request_id")},
		{outboxName, "relayed_at", k("relayed", "at")},
		{notificationsName, "referral_id", k("referral_id")},
	}
}

// ensureIndexes creates the indexes that do not exist yet. It lists before
// it creates because FerretDB v1.24 drops the connection when createIndexes
// names only indexes that already exist (measured: "slice bounds out of
// range" inside FerretDB), and because a real MongoDB refuses an existing
// name with different keys.
func (s *Store) ensureIndexes(ctx context.Context) error {
	existing := map[string]map[string]bool{}
	for _, ix := range indexes() {
		have, ok := existing[ix.collection]
		if !ok {
			var err error
			have, err = s.indexNames(ctx, ix.collection)
			if err != nil {
				return err
			}
			existing[ix.collection] = have
		}
		if have[ix.name] {
			continue
		}
		_, err := s.db.Collection(ix.collection).Indexes().CreateOne(ctx, mongo.IndexModel{
			Keys: ix.keys, Options: options.Index().SetName(ix.name),
		})
		if err != nil {
			return fmt.Errorf("store: create index %s.%s: %w", ix.collection, ix.name, err)
		}
		have[ix.name] = true
	}
	return nil
}

// indexNames lists a collection's index names; a missing collection has none.
func (s *Store) indexNames(ctx context.Context, coll string) (map[string]bool, error) {
	cur, err := s.db.Collection(coll).Indexes().List(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: list indexes of %s: %w", coll, err)
	}
	var specs []struct {
		Name string `bson:"name"`
	}
	if err := cur.All(ctx, &specs); err != nil {
		return nil, fmt.Errorf("store: list indexes of %s: %w", coll, err)
	}
	names := map[string]bool{}
	for _, sp := range specs {
		names[sp.Name] = true
	}
	return names, nil
}

// IndexNames returns the names of the indexes on a collection, for tests
// and diagnostics.
func (s *Store) IndexNames(ctx context.Context, coll string) (map[string]bool, error) {
	return s.indexNames(ctx, coll)
}
