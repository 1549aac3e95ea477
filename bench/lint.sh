#!/usr/bin/env bash
# Times `poolctl lint` of a synthetic applicationHost.config (10,000 pools, 10,000
# sites) against `xmllint --noout` on the same file, RUNS runs each, interleaved, and
# prints the median ratios. Targets: wall time at most 2x xmllint's (goal 1x), peak
# memory no more than xmllint's.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

file=$(synthetic "${POOLS:-10000}" "${SITES:-10000}")
go build -o bench/out/poolctl ./cmd/poolctl
echo "lint: $file ($(du -h "$file" | cut -f1)), ${RUNS:-7} runs"
bench/out/poolctl lint "$file" | tail -n 1 || true
compare "${RUNS:-7}" "$file" lint bench/out/poolctl lint
