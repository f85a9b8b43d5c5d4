package teams

import (
	"errors"
	"strconv"
)

// ErrConcurrentChange means another change of the same team came in at
// the same moment and won; reading it again and retrying is safe.
var ErrConcurrentChange = errors.New("teams: the record was changed at the same moment")

// NotFoundError means a team or account that does not exist in the
// caller's municipality (callers must not tell apart one elsewhere).
type NotFoundError struct{ What string }

func (e *NotFoundError) Error() string { return "no " + e.What }

// InUseError refuses removing a team that accounts still belong to.
type InUseError struct {
	Code    string
	Members int
}

func (e *InUseError) Error() string {
	return strconv.Itoa(e.Members) + " account(s) belong to the team " + e.Code + "; move them to another team first"
}
