package options

import (
	"context"
	"fmt"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/store"
)

// Records is what a kind needs from its collection.
type Records[R store.Record] interface {
	Insert(ctx context.Context, rec R) error
	Get(ctx context.Context, id string) (R, error)
	Replace(ctx context.Context, prev int64, rec R) error
	Delete(ctx context.Context, id string) error
	List(ctx context.Context, q store.Query) ([]R, bool, error)
}

// FieldsPtr ties a fields type F to its pointer, which implements
// care.Fields.
type FieldsPtr[F any] interface {
	*F
	care.Fields
}

// Kind is one record type's rules: F is the client-editable part, R the
// stored record.
type Kind[F any, PF FieldsPtr[F], R store.Record] struct {
	Records Records[R]
	Checker *care.Checker
	// Build assembles a stored record from its parts; prev is the record
	// it replaces, nil for a new one.
	Build func(meta care.Meta, f F, area care.Area, prev *R) R
	// Editable extracts the client-editable part of a stored record.
	Editable func(R) F
	// Verify checks what needs the store, such as references; optional.
	Verify func(ctx context.Context, f *F) error
	// BeforeDelete refuses a delete that would break references;
	// optional.
	BeforeDelete func(ctx context.Context, id string) error
	// AfterDelete tidies up after a delete, such as the referrals to a
	// deleted option; optional.
	AfterDelete func(ctx context.Context, id string) error
	// Written is told of every successful write; optional.
	Written func(ctx context.Context, id string, deleted bool)
	// Policy decides who reaches which record.
	Policy Policy
	// LocField names the field that places the record, for the
	// validation error when it lies outside the writer's municipality.
	LocField string
	Now      func() time.Time
}

func (k *Kind[F, PF, R]) notify(ctx context.Context, id string, deleted bool) {
	if k.Written != nil {
		k.Written(ctx, id, deleted)
	}
}

// validated checks f and builds the record to store with meta.
func (k *Kind[F, PF, R]) validated(ctx context.Context, f F, meta care.Meta, prev *R) (R, error) {
	var zero R
	area, err := k.Checker.Check(PF(&f))
	if err != nil {
		return zero, err
	}
	if area.MunicipalityCode != meta.Municipality {
		return zero, outsideMunicipality(k.LocField, area, meta.Municipality)
	}
	if k.Verify != nil {
		if err := k.Verify(ctx, &f); err != nil {
			return zero, err
		}
	}
	now := k.Now().UTC().Truncate(time.Millisecond) // BSON dates hold milliseconds
	if meta.CreatedAt.IsZero() {
		meta.CreatedAt = now
	}
	meta.UpdatedAt = now
	return k.Build(meta, f, area, prev), nil
}

// Create stamps f as a's new record, validates and stores it. logged,
// called before the write, records the access (support requests); a
// store.ErrConflict comes with the record whose id is taken.
func (k *Kind[F, PF, R]) Create(ctx context.Context, a Actor, f F, logged func(R) error) (R, error) {
	meta := care.Meta{ID: store.NewID(), Version: 1}
	k.Policy.Stamp(a, &meta)
	rec, err := k.validated(ctx, f, meta, nil)
	if err != nil {
		return rec, err
	}
	if err := logged(rec); err != nil {
		return rec, err
	}
	if err := k.Records.Insert(ctx, rec); err != nil {
		return rec, err
	}
	k.notify(ctx, rec.Header().ID, false)
	return rec, nil
}

// Replace validates f as the next version of cur and stores it, unless
// another write came first (store.ErrConflict).
func (k *Kind[F, PF, R]) Replace(ctx context.Context, cur R, f F) (R, error) {
	meta := cur.Header()
	prev := meta.Version
	meta.Version++
	rec, err := k.validated(ctx, f, meta, &cur)
	if err != nil {
		return rec, err
	}
	if err := k.Records.Replace(ctx, prev, rec); err != nil {
		return rec, err
	}
	k.notify(ctx, rec.Header().ID, false)
	return rec, nil
}

// Delete removes the record with id, unless BeforeDelete refuses.
func (k *Kind[F, PF, R]) Delete(ctx context.Context, id string) error {
	if k.BeforeDelete != nil {
		if err := k.BeforeDelete(ctx, id); err != nil {
			return err
		}
	}
	if err := k.Records.Delete(ctx, id); err != nil {
		return err
	}
	k.notify(ctx, id, true)
	if k.AfterDelete != nil {
		if err := k.AfterDelete(ctx, id); err != nil {
			return fmt.Errorf("options: after deleting %s: %w", id, err)
		}
	}
	return nil
}

// List is a page of q among the records a may see.
func (k *Kind[F, PF, R]) List(ctx context.Context, a Actor, q store.Query) ([]R, bool, error) {
	q.Where = append(q.Where, k.Policy.List(a)...)
	return k.Records.List(ctx, q)
}
