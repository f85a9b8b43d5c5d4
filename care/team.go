package care

// TeamFields are what an admin sets of a social team.
type TeamFields struct {
	// Name is how the portal shows the team, e.g. "Sociaal team Noord".
	Name string `json:"name" bson:"name" validate:"required,max=100,safetext"`
	// Districts are the CBS district (wijk) codes the team covers; a
	// district is covered by at most one team of its municipality.
	Districts []string `json:"districts" bson:"districts" validate:"max=200,unique,dive,len=8,startswith=WK"`
}

// Team is a social team of one municipality. Accounts name it by Code in
// their team; its _id is "<municipality>:<code>", so a code is unique
// within a municipality by insert.
type Team struct {
	Meta       `bson:",inline"`
	Code       string `json:"code" bson:"code"`
	TeamFields `bson:",inline"`
}

// TeamID is the record id of team code of municipality: one team of a
// code per municipality.
func TeamID(municipality, code string) string { return municipality + ":" + code }
