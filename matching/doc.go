// Package matching is dichtbij's engine: given a resident's support request
// it finds, for every need, the nearby zero-line options — volunteers,
// citizen initiatives, collective provisions and activities — that can
// really help (right help type, within reach, places left, time overlap,
// language, target group, age, mobility), ranks them in one list per need
// with the cheapest rung of the escalation ladder first, and explains each
// result and each gap in words a social worker can repeat at the kitchen
// table.
//
// The engine holds every active option in memory, indexed in the Dutch RD
// plane (see geo.ToRD), so a search never touches the database. It knows
// nothing of HTTP or MongoDB; matching/fromcare turns stored records into
// Options.
package matching
