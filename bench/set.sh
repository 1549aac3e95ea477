#!/usr/bin/env bash
# Times one `poolctl set` of a synthetic applicationHost.config (10,000 pools, 10,000
# sites) against `poolctl lint` of the same file, RUNS runs each, interleaved, and
# prints the median ratio. Each set really writes: it alternates queueLength of the
# first pool between two values, so every run reads, checks, keeps a history copy and
# replaces the file atomically. Target: set at most 1.5x lint.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
[ -x /usr/bin/time ] || need time time

src=$(synthetic "${POOLS:-10000}" "${SITES:-10000}")
go build -o bench/out/poolctl ./cmd/poolctl
file=bench/out/set-target.config
cp "$src" "$file"
rm -rf "$file.history"
runs=${RUNS:-7}
echo "set: $file ($(du -h "$file" | cut -f1)), $runs runs"
: >bench/out/set.lint.txt
: >bench/out/set.set.txt
for i in $(seq "$runs"); do
	measure bench/out/poolctl lint "$file" >>bench/out/set.lint.txt
	measure bench/out/poolctl set -c "$file" Pool00000 "queueLength=$((1000 + i % 2))" >>bench/out/set.set.txt
done
lt=$(cut -d' ' -f1 bench/out/set.lint.txt | median)
st=$(cut -d' ' -f1 bench/out/set.set.txt | median)
awk -v lt="$lt" -v st="$st" 'BEGIN {
	printf "poolctl lint:  %8.1f ms\n", lt / 1000
	printf "poolctl set:   %8.1f ms\n", st / 1000
	printf "ratio (set/lint): %.2fx (target <= 1.50x)\n", st / lt
}'
