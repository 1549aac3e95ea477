#!/usr/bin/env bash
# Compares the front ends of two poolctl builds, OLD and NEW, in interleaved rounds on
# this machine: each runs its own `poolctl run` of the same site (http and https
# bindings, one AlwaysRunning pool of the test worker), and each round loads one then
# the other (in alternating order) with the same client. Prints, per build, the median
# of the rounds' requests per second, p99 latency, and the CPU time per request of
# poolctl and of its worker, then NEW/OLD ratios. A change to the front end shifts
# bench/run.sh's ratios against nginx by less than this machine's drift between runs;
# here both builds meet the same moments of the machine.
#
#   bash bench/runab.sh OLD NEW [h1|tls|h2] [ROUNDS]
#
# OLD and NEW are poolctl binaries or git revisions (built here). h1 is wrk over plain
# HTTP/1.1, tls wrk over TLS, h2 h2load over HTTP/2 (10 streams a connection);
# CONNECTIONS connections (default 64), DURATION seconds a round (default 3), ROUNDS
# rounds (default 8). The
# workers run with GOMAXPROCS=2 whatever poolctl's environment, so that a poolctl
# started with RUN_ENV (say "env GOMAXPROCS=1") changes poolctl alone. OLD_FLAGS and
# NEW_FLAGS are added to each build's `poolctl run`: the same build twice with other
# flags compares the flags (OLD_FLAGS="--worker-cpu-policy other").
#
# When the machine's speed drifts, the CPU a request of both poolctl and its worker
# rises and falls together (slow rounds cost both 20% more here); their ratio in each
# round, whose worker does the same work for either build, drifts less. It moves with
# a change that alters how the worker is driven (how its reads batch), too.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
need wrk wrk
need curl curl
need openssl openssl
need h2load nghttp2-client
[ $# -ge 2 ] || { sed -n '2,19p' "$0" >&2; exit 2; }
mode=${3:-h1} rounds=${4:-8} dur=${DURATION:-3} conns=${CONNECTIONS:-64} threads=2
((conns >= threads)) || threads=1
case $mode in h1 | tls | h2) ;; *) echo "runab: mode $mode: want h1, tls or h2" >&2; exit 2 ;; esac

out=$PWD/bench/out/runab
rm -rf "$out"
mkdir -p "$out/certs"

# binary NAME REV-OR-FILE: the path of the build to run
binary() {
	if [ -x "$2" ] && [ -f "$2" ]; then
		realpath "$2"
		return
	fi
	local src=$out/src-$1
	mkdir -p "$src"
	git archive "$2" | tar -x -C "$src"
	(cd "$src" && go build -o "$out/poolctl-$1" ./cmd/poolctl)
	echo "$out/poolctl-$1"
}
old=$(binary old "$1")
new=$(binary new "$2")

tls_cert "$out" 18185 18285

# start NAME BINARY HTTP-PORT TLS-PORT FLAGS: a poolctl run of the bench site; sets pid_NAME
start() {
	mkdir -p "$out/$1"
	bench_config "$out/$1/applicationHost.config" "$2" "$3" "$4" "" GOMAXPROCS=2
	# shellcheck disable=SC2086 # FLAGS are words
	${RUN_ENV:-} "$2" run -c "$out/$1/applicationHost.config" --admin "$out/$1/admin.sock" --certs "$out/certs" $5 \
		>"$out/$1/run.out" 2>"$out/$1/run.log" &
	track $!
	printf -v "pid_$1" %s $!
	answers "$3"
}
start old "$old" 18182 18185 "${OLD_FLAGS:-}"
start new "$new" 18282 18285 "${NEW_FLAGS:-}"

# worker PID: the test worker under the poolctl run PID
worker() { pgrep -f __testworker -P "$(pgrep -d, -P "$1"),$1" | head -1; }

# round NAME PID HTTP-PORT TLS-PORT: prints "NAME rps p99_ms poolctl_us worker_us"
round() {
	local w a wa b wb
	w=$(worker "$2")
	a=$(cpu_ticks "$2") wa=$(cpu_ticks "$w")
	case $mode in
	h1) wrk -t"$threads" -c"$conns" -d"${dur}s" --latency "http://127.0.0.1:$3/" >"$out/load.txt" ;;
	tls) wrk -t"$threads" -c"$conns" -d"${dur}s" --latency "https://127.0.0.1:$4/" >"$out/load.txt" ;;
	h2) h2load -D "$dur" -c "$conns" -m 10 -t "$threads" --log-file="$out/h2load.log" "https://127.0.0.1:$4/" >"$out/load.txt" ;;
	esac
	b=$(cpu_ticks "$2") wb=$(cpu_ticks "$w")
	local rps p99
	if [ "$mode" = h2 ]; then
		read -r rps _ p99 < <(h2load_summary "$out/load.txt" "$out/h2load.log")
	else
		read -r rps _ p99 < <(wrk_summary "$out/load.txt")
	fi
	awk -v n="$1" -v r="$rps" -v p="$p99" -v pc="$(us_per_request $((b - a)) "$rps" "$dur")" \
		-v wc="$(us_per_request $((wb - wa)) "$rps" "$dur")" -v x=$((b - a)) -v wx=$((wb - wa)) 'BEGIN {
		printf "%s %.0f %.3f %s %s %.4f\n", n, r, p, pc, wc, x / wx }'
}

: >"$out/rounds.txt"
for i in $(seq "$rounds"); do
	if ((i % 2)); then order="old new"; else order="new old"; fi
	for n in $order; do
		if [ "$n" = old ]; then round old "$pid_old" 18182 18185; else round new "$pid_new" 18282 18285; fi
	done >>"$out/rounds.txt"
done

# fig NAME COLUMN: the median of a column (2 rps, 3 p99, 4 poolctl µs, 5 worker µs,
# 6 poolctl's CPU over its worker's in the round)
fig() { awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$out/rounds.txt" | median; }
awk -v mode="$mode" -v r="$rounds" -v d="$dur" -v c="$conns" \
	-v or="$(fig old 2)" -v op="$(fig old 3)" -v oc="$(fig old 4)" -v ow="$(fig old 5)" \
	-v nr="$(fig new 2)" -v np="$(fig new 3)" -v nc="$(fig new 4)" -v nw="$(fig new 5)" \
	-v ox="$(fig old 6)" -v nx="$(fig new 6)" 'BEGIN {
	printf "%s, %d connections, medians of %d interleaved rounds of %s s\n", mode, c, r, d
	printf "%-6s %12s %10s %14s %14s\n", "", "requests/s", "p99 ms", "poolctl us/req", "worker us/req"
	printf "%-6s %12.0f %10.3f %14.1f %14.1f\n", "old", or, op, oc, ow
	printf "%-6s %12.0f %10.3f %14.1f %14.1f\n", "new", nr, np, nc, nw
	printf "new/old: throughput %.2fx, p99 %.2fx, poolctl CPU %.2fx, worker CPU %.2fx\n", nr / or, np / op, nc / oc, nw / ow
	printf "poolctl CPU over its worker'"'"'s, median of the rounds: old %.3f, new %.3f, new/old %.2fx\n", ox, nx, nx / ox
}'
echo "rounds: $out/rounds.txt"
