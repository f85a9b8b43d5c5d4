package server

import "github.com/dichtbij/dichtbij/casework"

// DefaultRetention is how long a closed support request keeps its
// personal data: 24 months, after which only what statistics need stays.
const DefaultRetention = casework.DefaultRetention
