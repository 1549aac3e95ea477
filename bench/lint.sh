#!/usr/bin/env bash
# Times `poolctl lint` of a synthetic applicationHost.config (10,000 pools, 10,000
# sites) against `xmllint --noout` on the same file, RUNS runs each, interleaved, and
# prints the median ratios; then the same file linted for IIS 8.5 (--target iis8.5:
# 17,500 findings), printed as text and as JSON. Targets (issue 18): wall time and
# peak memory at most xmllint's (1.0x), for each.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

file=$(synthetic "${POOLS:-10000}" "${SITES:-10000}")
go build -o bench/out/poolctl ./cmd/poolctl
echo "lint: $file ($(du -h "$file" | cut -f1)), ${RUNS:-7} runs"
bench/out/poolctl lint "$file" | tail -n 1 || true
compare "${RUNS:-7}" "$file" lint bench/out/poolctl lint
bench/out/poolctl lint --target iis8.5 "$file" | tail -n 1 || true
compare "${RUNS:-7}" "$file" "iis8.5" bench/out/poolctl lint --target iis8.5
compare "${RUNS:-7}" "$file" "iis8.5-json" bench/out/poolctl lint --target iis8.5 --format json

# Scaling (issue 18): lint's time and peak memory for 1k, 10k and 100k pools (as many
# sites), RUNS_SCALE runs each (median), against xmllint on the same files, and the
# time and memory per pool, which should not grow with the file (linear, no worse).
# SCALE="1000 10000" leaves the 100k file (about 210 MB) out.
scale=${SCALE:-1000 10000 100000}
: >bench/out/lint-scale.txt
for n in $scale; do
	f=$(synthetic "$n" "$n")
	: >bench/out/lint-scale-ours.txt
	: >bench/out/lint-scale-ref.txt
	for _ in $(seq "${RUNS_SCALE:-3}"); do
		measure bench/out/poolctl lint "$f" >>bench/out/lint-scale-ours.txt
		measure xmllint --noout "$f" >>bench/out/lint-scale-ref.txt
	done
	echo "$n $(stat -c %s "$f") $(cut -d' ' -f1 bench/out/lint-scale-ours.txt | median) $(cut -d' ' -f2 bench/out/lint-scale-ours.txt | median)" \
		"$(cut -d' ' -f1 bench/out/lint-scale-ref.txt | median) $(cut -d' ' -f2 bench/out/lint-scale-ref.txt | median)" >>bench/out/lint-scale.txt
done
awk 'BEGIN {
	printf "%8s %9s %11s %12s %10s %13s %11s %8s %8s\n", "pools", "file MB", "lint ms", "us per pool", "lint MiB", "KiB per pool", "xmllint ms", "time x", "mem x"
}
{
	printf "%8d %9.1f %11.1f %12.2f %10.1f %13.2f %11.1f %8.2f %8.2f\n", $1, $2 / 1048576, $3 / 1000, $3 / $1, $4 / 1024, $4 / $1, $5 / 1000, $3 / $5, $4 / $6
	if (NR == 1) { t0 = $3 / $1; m0 = $4 / $1 }
	t = $3 / $1; m = $4 / $1
}
END {
	if (NR > 1) printf "per pool, largest over smallest: time %.2fx, memory %.2fx (target <= 1.00x: linear)\n", t / t0, m / m0
}' bench/out/lint-scale.txt
