# poolctl: build, test, benchmark, lint and fuzz.
#
#   make build      build bin/poolctl (VERSION=v1.2.3 sets what --version prints)
#   make test       run every test with the race detector (installing Chromium for the browser test)
#   make bench      run the Go benchmarks and the benchmark scripts under bench/
#   make lint       gofmt, go vet (also for Windows and macOS) and staticcheck
#   make cross      build poolctl for the six release targets (linux, windows, darwin x amd64, arm64)
#   make release-snapshot  build the release archives and checksums into dist/ with GoReleaser, publishing nothing
#   make fuzz       run each fuzz target for FUZZTIME (default 30s)
#   make chaos      run the hardening probe (bench/chaos.sh): kills, bad input, hostile files
#   make h2spec     HTTP/2 conformance of poolctl run's https front end (bench/h2spec.sh)
#   make bench-ab OLD=rev NEW=rev [MODE=h1|tls|h2]  the front ends of two builds in interleaved rounds (bench/runab.sh)
#   make clean      remove what the other targets wrote

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c

# STATICCHECK is the pinned staticcheck release (2026.2.2), fetched through the Go module proxy.
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
# GORELEASER is the pinned GoReleaser release, fetched through the Go module proxy.
GORELEASER := github.com/goreleaser/goreleaser/v2@v2.17.0
# TARGETS are the GOOS/GOARCH pairs of a release (.goreleaser.yaml builds the same).
TARGETS := linux/amd64 linux/arm64 windows/amd64 windows/arm64 darwin/amd64 darwin/arm64
# WINDOWS_PKGS are the packages with Windows files (_windows.go), whose tests make
# cross compiles for Windows.
WINDOWS_PKGS := ./store ./secret ./cmd/poolctl
FUZZTIME ?= 30s
VERSION ?=
LDFLAGS := $(if $(VERSION),-ldflags "-X main.version=$(VERSION)")

.PHONY: all build test bench gobench bench-parse bench-lint bench-set bench-run bench-suspend bench-scale bench-floor bench-ab lint cross release-snapshot fuzz chaos h2spec clean

all: build test

build:
	go build $(LDFLAGS) -o bin/poolctl ./cmd/poolctl

# test installs Debian's Chromium first (internal/browser/install.sh) for the status
# page's browser test, unless a browser is on PATH.
test:
	bash ./internal/browser/install.sh
	go test -race ./...
	# The front end's raw socket I/O (rawio_linux.go) is built without -race only.
	go test ./runtime/frontend/

bench: gobench bench-parse bench-lint bench-set bench-run bench-suspend bench-scale bench-floor

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

# bench-scale measures poolctl run with 1, 100 and 10,000 sites and pools configured
# (throughput to one site, memory per idle pool) and per idle keep-alive connection.
bench-scale:
	bash ./bench/scale.sh

# bench-floor measures HTTP/1.1 through nginx, poolctl run and the least Go proxies
# (bench/h1floor: a goroutine a connection; an event loop, with and without the front
# end's work) to the same worker.
bench-floor:
	bash ./bench/floor.sh

# bench-ab compares the front ends of two builds (git revisions or binaries) in
# interleaved rounds: throughput, p99, and the CPU per request of poolctl and its
# worker. Never part of bench: it needs two builds to compare.
OLD ?= HEAD~1
NEW ?= HEAD
MODE ?= h1
bench-ab:
	bash ./bench/runab.sh $(OLD) $(NEW) $(MODE)

# chaos repeats issue 14's hardening probe and prints one table; never part of test.
chaos:
	bash ./bench/chaos.sh

# h2spec runs h2spec (built from the Go module proxy) against poolctl run over TLS;
# it fails on any failure but the known exceptions of net/http's HTTP/2 server.
h2spec:
	bash ./bench/h2spec.sh

lint:
	@unformatted="$$(gofmt -l .)"; if [ -n "$$unformatted" ]; then echo "gofmt -l lists files to format:"; echo "$$unformatted"; exit 1; fi
	go vet ./...
	GOOS=windows go vet ./...
	GOOS=darwin go vet ./...
	go run $(STATICCHECK) ./...
	cd bench/h1floor && go vet . && go run $(STATICCHECK) .

# cross builds poolctl for every release target, as CI does on each change, and
# compiles the tests of the packages with Windows code for Windows, which no machine
# here can run; the binaries are thrown away (make release-snapshot keeps them).
cross:
	@for t in $(TARGETS); do \
		echo "go build $$t"; \
		GOOS=$${t%/*} GOARCH=$${t#*/} CGO_ENABLED=0 go build -trimpath -o /dev/null ./cmd/poolctl; \
	done
	@for p in $(WINDOWS_PKGS); do \
		echo "go test -c $$p (windows/amd64)"; \
		GOOS=windows GOARCH=amd64 go test -c -o /dev/null $$p; \
	done

# release-snapshot runs GoReleaser as a release would (archives, checksums, the
# version stamped) into dist/, without a tag and without publishing.
release-snapshot:
	go run $(GORELEASER) check
	go run $(GORELEASER) release --snapshot --clean

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
	rm -rf bin bench/out dist
	go clean -testcache
