# The two commands a new machine needs: `make run` and `make test`.
GO ?= go
PKGS := ./...

.PHONY: run demo test lint unit bench fuzz build loadtest

## run: start dichtbij on 127.0.0.1:8080 with the embedded store in ./data
run:
	$(GO) run .

## demo: like run, with generated demo records for Utrecht in an empty store
DEMO ?= GM0344
demo:
	$(GO) run . -demo $(DEMO)

## build: build the binary ./dichtbij
build:
	CGO_ENABLED=0 $(GO) build -trimpath -o dichtbij .

## test: formatting, vet, and every test with the race detector
test: lint unit

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet $(PKGS)

unit:
	$(GO) test -race -count=1 -timeout 20m $(PKGS)

## bench: benchmarks, 5 runs each, for benchstat
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 5 $(PKGS)

## loadtest: wrk against GET /api/v1/options/nearby at 100k options (needs wrk)
loadtest:
	scripts/loadtest-nearby.sh

## fuzz: each fuzzer for FUZZTIME (default 30s)
FUZZTIME ?= 30s
fuzz:
	@for pkg in $$($(GO) list $(PKGS)); do \
	  for f in $$($(GO) test -list 'Fuzz.*' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done
