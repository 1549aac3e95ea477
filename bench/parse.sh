#!/usr/bin/env bash
# Times parse + effective resolution of a synthetic applicationHost.config (10,000
# pools, 10,000 sites) against `xmllint --noout` on the same file: wall time and peak
# resident memory, RUNS runs each, interleaved, and prints the median ratios.
# Targets: wall time and peak memory at most xmllint's (1.0x, as lint's in issue 18).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

file=$(synthetic "${POOLS:-10000}" "${SITES:-10000}")
go build -o bench/out/loadconfig ./bench/loadconfig
echo "parse + resolve: $file ($(du -h "$file" | cut -f1)), ${RUNS:-7} runs"
LOADCONFIG_VERBOSE=1 bench/out/loadconfig "$file"
compare "${RUNS:-7}" "$file" resolve bench/out/loadconfig
