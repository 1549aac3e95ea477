#!/usr/bin/env bash
# Times parse + effective resolution of a synthetic applicationHost.config (10,000
# pools, 10,000 sites) against `xmllint --noout` on the same file: wall time and peak
# resident memory, RUNS runs each, interleaved, and prints the median ratios.
# Targets: wall time at most 2x xmllint's, peak memory no more than xmllint's.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

file=$(synthetic "${POOLS:-10000}" "${SITES:-10000}")
go build -o bench/out/loadconfig ./bench/loadconfig
echo "parse + resolve: $file ($(du -h "$file" | cut -f1)), ${RUNS:-7} runs"
LOADCONFIG_VERBOSE=1 bench/out/loadconfig "$file"
compare "${RUNS:-7}" "$file" resolve bench/out/loadconfig
