// Package synth generates deterministic, realistic-looking dichtbij data:
// volunteers, initiatives, provisions, activities and support requests,
// clustered like the Dutch population. Benchmarks of the matching engine
// and the spatial index only mean something on data shaped like the
// country (dense cities, empty polders, nothing in the sea), tests need
// many valid records without hand-writing them, and a demo of one city
// needs a full map. Everything synth returns passes care.Checker and looks
// as if the server had stored it.
//
// The same Config always yields the same Dataset, whatever the number of
// CPUs: synth never reads the clock or a global random source.
package synth

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"

	"github.com/dichtbij/dichtbij/care"
	"github.com/dichtbij/dichtbij/geo"
)

// Config says what to generate.
type Config struct {
	// Seed selects the dataset; the same Seed and sizes give the same data.
	Seed int64
	// Options is the total number of volunteers, initiatives, provisions
	// and activities: Options/10 initiatives, Options/10 provisions,
	// Options/5 activities (none without an owner, so below 10 options
	// all are volunteers) and the rest volunteers. Must be >= 0.
	Options int
	// Requests is the number of support requests. Must be >= 0.
	Requests int
	// Municipality, when set, is a CBS 2024 code such as "GM0363": every
	// location then lies inside that municipality, denser near its centre.
	// Empty means the whole country.
	Municipality string
	// Now is the base of every timestamp and schedule: records are
	// created before it, activities start in the weeks after it. Required.
	Now time.Time
}

// Dataset is what Generate returns. Within each slice, records are in
// creation order, which is also the order of their IDs.
type Dataset struct {
	Volunteers  []care.Volunteer
	Initiatives []care.Initiative
	Provisions  []care.Provision
	Activities  []care.Activity
	Requests    []care.Request
}

// ErrConfig is returned, wrapped, for a Config that Generate cannot use;
// the message names the field, e.g.
// `synth: Config.Municipality "GM9999": unknown CBS 2024 code: bad config`.
var ErrConfig = errors.New("bad config")

// Config.Options is divided by these to get the number of initiatives,
// provisions and activities (10, 10 and 20 %); volunteers get the rest.
const (
	perInitiative = 10
	perProvision  = 10
	perActivity   = 5
)

// Kind tags, byte 4 of every ID, keep IDs unique across kinds.
const (
	tagVolunteer byte = iota + 1
	tagInitiative
	tagProvision
	tagActivity
	tagRequest
)

// chunkSize is how many records share one random stream. Chunks, not
// workers, own the streams, so the output does not depend on how many
// goroutines run.
const chunkSize = 1024

// timezone is where schedules and opening hours live.
const timezone = "Europe/Amsterdam"

// Generate returns a dataset for cfg, with locations inside the
// municipalities of areas and every record's Area (municipality, district
// and neighbourhood) as care.Checker derives it from the same areas. It
// runs on GOMAXPROCS goroutines; 1 M options take about 7 CPU-seconds and
// hold about 600 MB. Errors wrap ErrConfig for a bad cfg, or report a
// municipality where no location could be placed. Generate is safe for
// concurrent use.
func Generate(cfg Config, areas *geo.Areas) (Dataset, error) {
	return generate(cfg, areas, runtime.GOMAXPROCS(0))
}

// generate is Generate with a fixed number of workers, so tests can show
// that the result does not depend on it.
func generate(cfg Config, areas *geo.Areas, workers int) (Dataset, error) {
	g, err := newGenerator(cfg, areas, workers)
	if err != nil {
		return Dataset{}, err
	}
	var d Dataset
	nIni := cfg.Options / perInitiative
	nProv := cfg.Options / perProvision
	nAct := cfg.Options / perActivity
	if nIni+nProv == 0 {
		nAct = 0 // an activity needs an owner
	}
	nVol := cfg.Options - nIni - nProv - nAct

	// Owners first: activities take their IDs and places.
	d.Initiatives = make([]care.Initiative, nIni)
	d.Provisions = make([]care.Provision, nProv)
	ini := make([]owner, nIni)
	prov := make([]owner, nProv)
	if err := g.fill(tagInitiative, nIni, func(w *worker, i int) error {
		return g.initiative(w, i, nIni, &d.Initiatives[i], &ini[i])
	}); err != nil {
		return Dataset{}, err
	}
	if err := g.fill(tagProvision, nProv, func(w *worker, i int) error {
		return g.provision(w, i, nProv, &d.Provisions[i], &prov[i])
	}); err != nil {
		return Dataset{}, err
	}
	d.Volunteers = make([]care.Volunteer, nVol)
	d.Activities = make([]care.Activity, nAct)
	d.Requests = make([]care.Request, cfg.Requests)
	if err := g.fill(tagVolunteer, nVol, func(w *worker, i int) error {
		return g.volunteer(w, i, nVol, &d.Volunteers[i])
	}); err != nil {
		return Dataset{}, err
	}
	if err := g.fill(tagActivity, nAct, func(w *worker, i int) error {
		return g.activity(w, i, nAct, prov, ini, &d.Activities[i])
	}); err != nil {
		return Dataset{}, err
	}
	if err := g.fill(tagRequest, cfg.Requests, func(w *worker, i int) error {
		return g.request(w, i, cfg.Requests, &d.Requests[i])
	}); err != nil {
		return Dataset{}, err
	}
	return d, nil
}

// generator holds what every record needs. Apart from cells, which fill
// hands out one per goroutine, it is read-only once built, so workers
// share it.
type generator struct {
	now     time.Time // cfg.Now in UTC, truncated to milliseconds
	local   time.Time // cfg.Now in timezone
	loc     *time.Location
	seed    uint64
	seedTag uint16 // bytes 5–6 of every ID
	space   *space
	// cells holds one cellCache per worker goroutine, kept from one kind
	// to the next: volunteers and requests share cells.
	cells []*cellCache
}

func newGenerator(cfg Config, areas *geo.Areas, workers int) (*generator, error) {
	switch {
	case areas == nil:
		return nil, fmt.Errorf("synth: areas are nil: %w", ErrConfig)
	case cfg.Options < 0:
		return nil, fmt.Errorf("synth: Config.Options is %d; want >= 0: %w", cfg.Options, ErrConfig)
	case cfg.Requests < 0:
		return nil, fmt.Errorf("synth: Config.Requests is %d; want >= 0: %w", cfg.Requests, ErrConfig)
	case cfg.Now.IsZero():
		return nil, fmt.Errorf("synth: Config.Now is zero; set a fixed time so the data repeats: %w", ErrConfig)
	}
	// IDs start with the creation time in seconds, like ObjectIDs, and the
	// oldest record is created oldestAge before Now.
	if first, last := cfg.Now.Add(-oldestAge).Unix(), cfg.Now.Unix(); first < 0 || last > math.MaxUint32 {
		return nil, fmt.Errorf("synth: Config.Now %v is outside 1973–2106, which ObjectID timestamps cannot hold: %w", cfg.Now, ErrConfig)
	}
	loc, err := time.LoadLocation(timezone)
	if err != nil {
		return nil, fmt.Errorf("synth: load time zone %s: %w", timezone, err)
	}
	sp, err := newSpace(areas, cfg.Municipality)
	if err != nil {
		return nil, err
	}
	seed := mix(uint64(cfg.Seed))
	return &generator{
		now:     cfg.Now.UTC().Truncate(time.Millisecond),
		local:   cfg.Now.In(loc),
		loc:     loc,
		seed:    seed,
		seedTag: uint16(seed >> 48),
		space:   sp,
		cells:   make([]*cellCache, max(1, workers)),
	}, nil
}

// worker is one goroutine's random stream, reseeded for every chunk, and
// its cache of coarse-cell lookups.
type worker struct {
	src   rand.PCG
	r     *rand.Rand
	cells *cellCache
}

// fill calls build for every i in [0, n), spread over the generator's
// workers in chunks. Chunk c always draws from the stream seeded by
// (seed, tag, c). It returns the error of the lowest failing chunk.
func (g *generator) fill(tag byte, n int, build func(w *worker, i int) error) error {
	chunks := (n + chunkSize - 1) / chunkSize
	if chunks == 0 {
		return nil
	}
	errs := make([]error, chunks)
	next := make(chan int, chunks)
	for c := range chunks {
		next <- c
	}
	close(next)
	var wg sync.WaitGroup
	for k := range min(len(g.cells), chunks) {
		if g.cells[k] == nil {
			g.cells[k] = newCellCache()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &worker{cells: g.cells[k]}
			w.r = rand.New(&w.src)
			for c := range next {
				w.src.Seed(mix(g.seed^uint64(tag)<<56^uint64(c)), mix(g.seed+uint64(c)))
				for i := c * chunkSize; i < min(n, (c+1)*chunkSize); i++ {
					if err := build(w, i); err != nil {
						errs[c] = err
						break
					}
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// mix is the SplitMix64 finaliser: it spreads nearby seeds over the whole
// 64-bit range.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// Creation windows, as ages before Config.Now. Owners exist before their
// activities; open requests are recent.
const (
	oldestAge = 3 * 365 * 24 * time.Hour
	day       = 24 * time.Hour
)

var ages = map[byte][2]time.Duration{
	tagInitiative: {oldestAge, 60 * day},
	tagProvision:  {oldestAge, 60 * day},
	tagVolunteer:  {2 * 365 * day, 0},
	tagActivity:   {60 * day, 0},
	tagRequest:    {90 * day, 0},
}

// meta returns the metadata of record i of n of a kind: creation times
// rise with i across the kind's window, and the ID is ObjectID-shaped —
// 4 bytes of creation time in seconds, the kind tag, 2 bytes of the seed
// and a 5-byte counter — so IDs are unique across kinds and sort in
// creation order within a kind, also after records the server adds later.
func (g *generator) meta(tag byte, i, n int) care.Meta {
	w := ages[tag]
	span := w[0] - w[1]
	at := g.now.Add(-w[0] + time.Duration(float64(span)*float64(i)/float64(n))).Truncate(time.Millisecond)
	var b [12]byte
	binary.BigEndian.PutUint32(b[0:4], uint32(at.Unix()))
	b[4] = tag
	binary.BigEndian.PutUint16(b[5:7], g.seedTag)
	var cnt [8]byte
	binary.BigEndian.PutUint64(cnt[:], uint64(i))
	copy(b[7:], cnt[3:])
	return care.Meta{ID: hex.EncodeToString(b[:]), Version: 1, CreatedAt: at, UpdatedAt: at}
}
