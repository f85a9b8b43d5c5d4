// Package opendata owns what dichtbij publishes of a municipality's
// options and what it takes in from open data: the municipality's HSDS
// catalog read from the store (Directory.Catalog), its public map as
// GeoJSON (Directory.Map), an initiative's service area read from GeoJSON
// (ServiceArea), and the import of an HSDS document into provisions
// (Importer). No personal data enters or leaves through it.
//
// The HSDS format itself, and the queries of the HSDS API over a catalog,
// are package hsds's; this package joins hsds to the store. It knows
// neither Fiber nor the MongoDB driver and returns typed errors
// (errors.go) or care.ValidationError for a value the rules refuse.
package opendata
