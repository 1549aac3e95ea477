# Shared helpers of the benchmark scripts: source it from bash.
#
#   need CMD PACKAGE      install a Debian package when CMD is missing
#   synthetic POOLS SITES prints the path of a synthetic config, generating it once
#   compare RUNS FILE LABEL CMD...
#                         runs `xmllint --noout FILE` and CMD (with FILE appended)
#                         RUNS times each, interleaved, and prints the medians of wall
#                         time and peak RSS, their ratios, and the spread of the
#                         runs' wall-time ratios
#   await_listen OUT PORT PID
#                         waits until the poolctl run PID says it listens on PORT
#   stop_run PID          stops a poolctl run (SIGINT, then SIGKILL after 10 s)

need() {
	command -v "$1" >/dev/null 2>&1 && return
	apt-get update -qq && apt-get install -y -qq "$2" >/dev/null
}

synthetic() {
	local file=bench/out/synthetic-$1-$2.config
	mkdir -p bench/out
	[ -s "$file" ] || go run ./bench/genconfig -pools "$1" -sites "$2" -o "$file"
	echo "$file"
}

# measure CMD...: prints "microseconds maxrss_kb"
measure() {
	local start end rss
	start=$(date +%s%N)
	# A lint with errors exits 1: what is measured is the work, not the verdict.
	rss=$({ /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null || true; } | tail -n 1)
	end=$(date +%s%N)
	echo "$(((end - start) / 1000)) $rss"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

compare() {
	local runs=$1 file=$2 label=$3
	shift 3
	need xmllint libxml2-utils
	[ -x /usr/bin/time ] || need time time
	local ref=bench/out/xmllint.$label.txt ours=bench/out/poolctl.$label.txt
	: >"$ref"
	: >"$ours"
	for _ in $(seq "$runs"); do
		measure xmllint --noout "$file" >>"$ref"
		measure "$@" "$file" >>"$ours"
	done
	local xt pt xm pm
	xt=$(cut -d' ' -f1 "$ref" | median)
	pt=$(cut -d' ' -f1 "$ours" | median)
	xm=$(cut -d' ' -f2 "$ref" | median)
	pm=$(cut -d' ' -f2 "$ours" | median)
	awk -v l="$label" -v xt="$xt" -v pt="$pt" -v xm="$xm" -v pm="$pm" 'BEGIN {
		printf "xmllint --noout:  %8.1f ms  %8.1f MiB peak\n", xt / 1000, xm / 1024
		printf "poolctl %-9s %8.1f ms  %8.1f MiB peak\n", l ":", pt / 1000, pm / 1024
		printf "ratio (poolctl/xmllint): wall %.2fx (target <= 1.00x), memory %.2fx (target <= 1.00x)\n", pt / xt, pm / xm
	}'
	# The spread: each run's wall time over the xmllint run just before it.
	paste -d' ' "$ours" "$ref" | awk '{ r = $1 / $3; if (NR == 1 || r < lo) lo = r; if (NR == 1 || r > hi) hi = r }
		END { printf "wall ratio of each run against the xmllint run before it: %.2fx to %.2fx\n", lo, hi }'
}

# await_listen OUT PORT PID: waits up to 10 s until the poolctl run PID, whose standard
# output goes to OUT, says it listens on 127.0.0.1:PORT; fails when it does not or exits.
await_listen() {
	for _ in $(seq 200); do
		grep -Eq "^listening on https?://127.0.0.1:$2/" "$1" 2>/dev/null && return 0
		kill -0 "$3" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# stop_run PID: stops a poolctl run with SIGINT, and with SIGKILL after 10 s.
stop_run() {
	kill -INT "$1" 2>/dev/null
	for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}
