package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// index is one secondary index, ascending on each of its keys. They serve
// a real MongoDB. The embedded store has none of them: FerretDB v1's
// SQLite backend pushes down only a filter of nothing but _id equality
// (which store/embedded gives an index of its own: FerretDB's misses its
// query), so there an index would serve no query and cost a little on
// every write (measured: five on the access log made an append about
// 0.7 ms slower, 1.3 ms against 2.1 ms on 2 shared cores).
//
// Every query of queries.go has an index that serves it: its keys begin
// with the query's equality fields, in any order, then its sort field,
// then its range field (equality, sort, range). TestEveryQueryHasAnIndex
// checks it. A query with equality on _id needs none: the _id index
// serves it.
type index struct {
	collection string
	name       string
	keys       []string
}

func indexes() []index {
	k := func(fields ...string) []string { return fields }
	return []index{
		{volunteersName, "municipality_help_types", k("area.municipality_code", "help_types")},
		{volunteersName, "status", k("status")},
		{volunteersName, "municipality_id", k("municipality", "_id")},
		{volunteersName, "owner_municipality_id", k("owner_id", "municipality", "_id")},
		{initiativesName, "municipality_help_types", k("area.municipality_code", "help_types")},
		{initiativesName, "municipality_id", k("municipality", "_id")},
		{initiativesName, "owner_id", k("owner_id")},
		{provisionsName, "municipality_help_types", k("area.municipality_code", "help_types")},
		{provisionsName, "municipality_id", k("municipality", "_id")},
		{provisionsName, "owner_id", k("owner_id")},
		{activitiesName, "municipality_help_types", k("area.municipality_code", "help_types")},
		{activitiesName, "provision_id", k("provision_id")},
		{activitiesName, "initiative_id", k("initiative_id")},
		{activitiesName, "municipality_id", k("municipality", "_id")},
		{activitiesName, "owner_id", k("owner_id")},
		{requestsName, "municipality_status", k("area.municipality_code", "status")},
		{requestsName, "municipality_team_id", k("municipality", "team", "_id")},
		{requestsName, "household", k("household_id", "municipality", "team")},
		{requestsName, "status", k("status")},
		{requestsName, "resident_account", k("resident_account")},
		{referralsName, "request_id", k("request_id")},
		{referralsName, "option_state", k("option_id", "state")},
		{referralsName, "owner_municipality_state", k("owner_id", "municipality", "state")},
		{auditName, "request_id", k("request_id")},
		{specialistsName, "request_id", k("request_id")},
		{notificationsName, "referral_id", k("referral_id")},
		{teamsName, "municipality", k("municipality")},
		{locksName, "taken", k("taken")},
		{calendarTokensName, "account_id", k("account_id")},
		{accountsName, "municipality_id", k("municipality", "_id")},
		{resetsName, "account_id", k("account_id")},
		{tokensName, "account_public_id", k("account_id", "public_id")},
		{revokedName, "account_public_id", k("account_id", "public_id")},
		{outboxName, "to", k("to")},
		{outboxName, "unsent", k("sent_at", "_id", "attempts")},
		{sessionsName, "exp", k("exp")},
		{accessLogName, "request_id_id", k("request_id", "_id")},
		{accessLogName, "subject_id", k("subject", "_id")},
		{accessLogName, "municipality_id_at", k("municipality", "_id", "at")},
		{accessLogName, "municipality_actor_id_at", k("municipality", "actor", "_id", "at")},
		{accessLogName, "municipality_at", k("municipality", "at")},
		{eventOutboxName, "relayed_at", k("relayed", "at")},
	}
}

// serves reports whether an index with keys serves q (see index).
func serves(keys []string, q *query) bool {
	if slices.Contains(q.eq, "_id") {
		// The unique index on _id finds the one match.
		return len(keys) > 0 && keys[0] == "_id"
	}
	n := len(q.eq)
	if len(keys) < n {
		return false
	}
	for _, f := range q.eq {
		if !slices.Contains(keys[:n], f) {
			return false
		}
	}
	next := keys[n:]
	for _, f := range []string{q.sort, q.rng} {
		if f == "" || (f == q.rng && f == q.sort) {
			continue
		}
		if len(next) == 0 || next[0] != f {
			return false
		}
		next = next[1:]
	}
	return true
}

// ensureIndexes creates the indexes that do not exist yet, with one call
// per collection, four collections at a time: on a new database that
// takes about as long as one collection after another took with a third
// of the indexes (100-150 ms on the embedded store), and every test opens
// one. It lists before it creates because FerretDB v1.24 drops the
// connection when createIndexes names only indexes that already exist
// (measured: "slice bounds out of range" inside FerretDB), and because a
// real MongoDB refuses an existing name with different keys. A collection
// that does not exist yet has no indexes to list.
//
// On FerretDB it does the opposite: it drops them. FerretDB v1 serves no
// query from a secondary index (see index), and SQLite evaluates each
// index's JSON expression on every insert and update: the access log's
// five cost about 0.7 ms an append. None is unique, so none guards a rule.
func (s *Store) ensureIndexes(ctx context.Context) error {
	if s.ferret {
		return s.dropSecondaryIndexes(ctx)
	}
	colls, err := s.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return fmt.Errorf("store: list collections: %w", err)
	}
	var order []string
	wanted := map[string][]index{}
	for _, ix := range indexes() {
		if _, ok := wanted[ix.collection]; !ok {
			order = append(order, ix.collection)
		}
		wanted[ix.collection] = append(wanted[ix.collection], ix)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(order))
	sem := make(chan struct{}, 4)
	for i, coll := range order {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[i] = s.ensureIndexesOf(ctx, coll, slices.Contains(colls, coll), wanted[coll])
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// dropSecondaryIndexes drops on FerretDB the indexes of indexes() that an
// earlier version made there.
func (s *Store) dropSecondaryIndexes(ctx context.Context) error {
	colls, err := s.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return fmt.Errorf("store: list collections: %w", err)
	}
	var errs []error
	for _, ix := range indexes() {
		if !slices.Contains(colls, ix.collection) {
			continue
		}
		have, err := s.indexNames(ctx, ix.collection)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !have[ix.name] {
			continue
		}
		if _, err := s.db.Collection(ix.collection).Indexes().DropOne(ctx, ix.name); err != nil {
			errs = append(errs, fmt.Errorf("store: drop index %s.%s: %w", ix.collection, ix.name, err))
		}
	}
	return errors.Join(errs...)
}

// ensureIndexesOf creates the indexes of one collection that it lacks.
func (s *Store) ensureIndexesOf(ctx context.Context, coll string, exists bool, wanted []index) error {
	have := map[string]bool{}
	if exists {
		var err error
		if have, err = s.indexNames(ctx, coll); err != nil {
			return err
		}
	}
	var models []mongo.IndexModel
	for _, ix := range wanted {
		if have[ix.name] {
			continue
		}
		keys := bson.D{}
		for _, f := range ix.keys {
			keys = append(keys, bson.E{Key: f, Value: 1})
		}
		models = append(models, mongo.IndexModel{Keys: keys, Options: options.Index().SetName(ix.name)})
	}
	if len(models) == 0 {
		return nil
	}
	if _, err := s.db.Collection(coll).Indexes().CreateMany(ctx, models); err != nil {
		return fmt.Errorf("store: create indexes of %s: %w", coll, err)
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
