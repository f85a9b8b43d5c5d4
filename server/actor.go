package server

import (
	"context"

	"github.com/dichtbij/dichtbij/casework"
)

// actor is who makes a call (casework's Actor). The handlers pass it to
// the domain explicitly; it also travels in the request's context for
// the access log and the routes' guards.
type actor = casework.Actor

type actorKey struct{}

func withActor(ctx context.Context, a actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// actorOf returns the actor of ctx; the zero actor is the system itself
// (maintenance jobs) or an anonymous caller.
func actorOf(ctx context.Context) actor {
	a, _ := ctx.Value(actorKey{}).(actor)
	return a
}
