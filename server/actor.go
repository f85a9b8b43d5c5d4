package server

import "context"

// actor is who makes a call: the account, its role, team and
// municipality, and the account it acts for when a social worker acts for
// an option's owner. It travels in the request's context so that the
// audit trail and the access log below the handlers can name it.
type actor struct {
	ID           string
	Role         string
	Team         string
	Municipality string
	OnBehalfOf   string
}

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
