# poolctl: build, test, benchmark, lint and fuzz.
#
#   make build      build bin/poolctl (VERSION=v1.2.3 sets what --version prints)
#   make test       run every test with the race detector
#   make bench      run the Go benchmarks and the benchmark scripts under bench/
#   make lint       gofmt, go vet and staticcheck
#   make fuzz       run each fuzz target for FUZZTIME (default 30s)
#   make chaos      run the hardening probe (bench/chaos.sh): kills, bad input, hostile files
#   make clean      remove what the other targets wrote

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c

# STATICCHECK is the pinned staticcheck release (2026.2.2), fetched through the Go module proxy.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME ?= 30s
VERSION ?=
LDFLAGS := $(if $(VERSION),-ldflags "-X main.version=$(VERSION)")

.PHONY: all build test bench gobench bench-parse bench-lint bench-set bench-run bench-suspend lint fuzz chaos clean

all: build test

build:
	go build $(LDFLAGS) -o bin/poolctl ./cmd/poolctl

test:
	go test -race ./...

bench: gobench bench-parse bench-lint bench-set bench-run bench-suspend

gobench:
	go test -run='^$$' -bench=. -benchmem ./...

# bench-parse times parse + effective resolution of a 10,000-pool config against
# xmllint --noout (installing libxml2-utils when absent) and prints the ratios.
bench-parse:
	bash ./bench/parse.sh

# bench-lint times poolctl lint of the same file against xmllint --noout.
bench-lint:
	bash ./bench/lint.sh

# bench-set times one poolctl set of the same file (a real, atomic, history-keeping
# write) against poolctl lint of it.
bench-set:
	bash ./bench/set.sh

# bench-run measures poolctl run's front end with wrk against the same worker direct
# and behind nginx (installing wrk and nginx when absent), and an OnDemand cold start.
bench-run:
	bash ./bench/run.sh

# bench-suspend times a request to a suspended worker against a cold start, and the
# worker's resident memory before and after it is suspended.
bench-suspend:
	bash ./bench/suspend.sh

# chaos repeats issue 14's hardening probe and prints one table; never part of test.
chaos:
	bash ./bench/chaos.sh

lint:
	@unformatted="$$(gofmt -l .)"; if [ -n "$$unformatted" ]; then echo "gofmt -l lists files to format:"; echo "$$unformatted"; exit 1; fi
	go vet ./...
	go run $(STATICCHECK) ./...

# fuzz lists the fuzz targets of every package and runs each one for FUZZTIME.
fuzz:
	@go test -list '^Fuzz' ./... \
	| awk '/^Fuzz/ { fns = fns " " $$1 } /^ok/ { if (fns != "") print $$2 fns; fns = "" }' \
	| while read -r pkg fns; do \
		for fn in $$fns; do \
			echo "fuzz: $$pkg $$fn for $(FUZZTIME)"; \
			go test -run='^$$' -fuzz="^$$fn\$$" -fuzztime=$(FUZZTIME) "$$pkg"; \
		done; \
	done

clean:
	rm -rf bin bench/out
	go clean -testcache
