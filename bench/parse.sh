#!/usr/bin/env bash
# Times parse + effective resolution of a synthetic applicationHost.config (10,000
# pools, 10,000 sites) against `xmllint --noout` on the same file: wall time and peak
# resident memory, RUNS runs each, interleaved, and prints the median ratios.
# Targets: wall time at most 2x xmllint's, peak memory no more than xmllint's.
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$2" >/dev/null; }; }
need xmllint libxml2-utils
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }

out=bench/out
mkdir -p "$out"
pools=${POOLS:-10000} sites=${SITES:-10000} runs=${RUNS:-7}
file=$out/synthetic-$pools-$sites.config
[ -s "$file" ] || go run ./bench/genconfig -pools "$pools" -sites "$sites" -o "$file"
go build -o "$out/loadconfig" ./bench/loadconfig
echo "file: $file ($(du -h "$file" | cut -f1)), $runs runs"
LOADCONFIG_VERBOSE=1 "$out/loadconfig" "$file"

# measure CMD...: prints "seconds maxrss_kb"
measure() {
	local start end rss
	start=$(date +%s%N)
	rss=$(/usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -n 1)
	end=$(date +%s%N)
	echo "$(( (end - start) / 1000 )) $rss"
}

: >"$out/xmllint.txt"
: >"$out/poolctl.txt"
for _ in $(seq "$runs"); do
	measure xmllint --noout "$file" >>"$out/xmllint.txt"
	measure "$out/loadconfig" "$file" >>"$out/poolctl.txt"
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
xt=$(cut -d' ' -f1 "$out/xmllint.txt" | median)
pt=$(cut -d' ' -f1 "$out/poolctl.txt" | median)
xm=$(cut -d' ' -f2 "$out/xmllint.txt" | median)
pm=$(cut -d' ' -f2 "$out/poolctl.txt" | median)
awk -v xt="$xt" -v pt="$pt" -v xm="$xm" -v pm="$pm" 'BEGIN {
	printf "xmllint --noout:        %8.1f ms  %8.1f MiB peak\n", xt / 1000, xm / 1024
	printf "poolctl parse+resolve:  %8.1f ms  %8.1f MiB peak\n", pt / 1000, pm / 1024
	printf "ratio (poolctl/xmllint): wall %.2fx (target <= 2.00x), memory %.2fx (target <= 1.00x)\n", pt / xt, pm / xm
}'
