# The two commands a new machine needs: `make run` and `make test`.
GO ?= go
PKGS := ./...

.PHONY: run demo test lint unit bench fuzz build loadtest loadtest-nearby portal frontend e2e chromium-check

## run: build the portal when needed, then start dichtbij on 127.0.0.1:8080 with the embedded store in ./data
##      (flags through ARGS, e.g. make run ARGS="-demo GM0344")
run: portal
	$(GO) run . $(ARGS)

## demo: like run, with generated demo records for Utrecht in an empty store
DEMO ?= GM0344
demo: portal
	$(GO) run . -demo $(DEMO)

## build: build the binary ./dichtbij (with the portal, when npm is there)
build: portal
	CGO_ENABLED=0 $(GO) build -trimpath -o dichtbij .

## test: formatting, vet, every Go test with the race detector, and the browser tests
test: lint unit e2e

# The portal (frontend/) is built with npm into frontend/dist/, which the
# binary embeds. npm ci runs when node_modules is missing or older than
# the lock file; the build runs when a source is newer than the build.
NPM ?= npm
FRONTEND_SRC := $(shell find frontend/src -type f 2>/dev/null) \
	frontend/index.html frontend/vite.config.ts frontend/tsconfig.json frontend/package.json

frontend/node_modules/.package-lock.json: frontend/package-lock.json frontend/package.json
	cd frontend && $(NPM) ci --no-audit --no-fund
	@touch $@

frontend/dist/index.html: frontend/node_modules/.package-lock.json $(FRONTEND_SRC)
	cd frontend && $(NPM) run build

## frontend: build the portal into frontend/dist (needs Node.js 20.19+ and npm)
frontend: frontend/dist/index.html

# portal builds the portal when npm is there; without it the binary serves
# a page that says how to build it.
portal:
	@if command -v $(NPM) >/dev/null 2>&1; then $(MAKE) --no-print-directory frontend; \
	else echo "npm not found: the portal is not built and / shows how to build it (install Node.js 20.19+)" >&2; fi

## e2e: the portal's tests: unit tests, then headless Debian Chromium against the real binary
E2E_BIN := bin/dichtbij-e2e
e2e: chromium-check frontend
	$(GO) build -o $(E2E_BIN) .
	cd frontend && DICHTBIJ_BIN=$(CURDIR)/$(E2E_BIN) $(NPM) run --silent test

CHROMIUM := /usr/bin/chromium
chromium-check:
	@test -x $(CHROMIUM) || { echo "e2e: $(CHROMIUM) is missing; install Debian's Chromium: apt-get install -y chromium (.ci/run does)" >&2; exit 1; }

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet $(PKGS)

# Only packages with tests: go test compiles the others too, and with
# -race the embedded store's FerretDB and SQLite took a minute of an
# empty build cache (vet still compiles them, without the detector).
# store/embedded is FerretDB itself: its tests run without the detector.
EMBEDDED_PKG = github.com/dichtbij/dichtbij/store/embedded
TESTED_PKGS = $(filter-out $(EMBEDDED_PKG),$(shell $(GO) list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}{{end}}' $(PKGS)))
unit:
	$(GO) test -race -count=1 -timeout 20m $(TESTED_PKGS)
	$(GO) test -count=1 $(EMBEDDED_PKG)

## bench: benchmarks, 5 runs each, for benchstat
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 5 $(PKGS)

## loadtest: the team load generator for LOADTEST_DURATION (default 60s) against its own server
##           with the Utrecht demo: 20 social workers, 5 coordinators, 10 organisers, 50 residents
##           through the real API; fails on any error (docs/performance.md)
LOADTEST_DURATION ?= 60s
loadtest:
	$(GO) run ./cmd/loadgen team -duration $(LOADTEST_DURATION) $(LOADTEST_ARGS)

## loadtest-nearby: wrk against GET /api/v1/options/nearby at 100k options (needs wrk)
loadtest-nearby:
	scripts/loadtest-nearby.sh

## fuzz: each fuzzer for FUZZTIME (default 30s)
FUZZTIME ?= 30s
fuzz:
	@for pkg in $$($(GO) list $(PKGS)); do \
	  for f in $$($(GO) test -list 'Fuzz.*' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done
