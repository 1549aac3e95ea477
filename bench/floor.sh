#!/usr/bin/env bash
# Measures what Go itself costs a proxied HTTP/1.1 request on this machine, beside
# nginx and poolctl run, for issue 18's HTTP/1.1 targets (1.0x nginx's throughput, p99
# no worse). bench/h1floor proxies to the same test worker in three ways, each client
# connection with its own worker connection and no feature of poolctl's:
#
#   goroutine  a goroutine a connection (how net/http and poolctl run serve), bytes
#              passed on as they are;
#   loop       an event loop (gnet), the client's and the worker's connections on the
#              same loop (how nginx serves), bytes passed on as they are;
#   loop-work  the loop doing poolctl run's work a request: the head read strictly by
#              runtime/frontend/h1 and written anew, the response head parsed and
#              written anew.
#
# Rounds of wrk (64 connections) load each in turn; each figure is the median of the
# rounds, each ratio the median of the rounds' ratios to nginx. CPU is the front end's
# user and system time a request. poolctl run cannot be cheaper than the goroutine
# floor without leaving Go's goroutine-a-connection model; loop-work is what a front
# end on an event loop would come near.
#
#   DURATION=3 ROUNDS=7 LOOPS=1 bash bench/floor.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
need wrk wrk
need nginx nginx
need curl curl
need chrt util-linux

out=$PWD/bench/out/floor
rm -rf "$out"
mkdir -p "$out"
go build -o "$out/poolctl" ./cmd/poolctl
(cd bench/h1floor && go build -o "$out/h1floor" .)
pc=$out/poolctl
dur=${DURATION:-3} rounds=${ROUNDS:-7}
worker=18180 viaNginx=18181 viaPoolctl=18182 goroutine=18183 loop=18184 loopWork=18185

# The worker runs as poolctl runs its workers (bench/run.sh says why).
ASPNETCORE_PORT=$worker GOMAXPROCS=2 chrt --batch 0 "$pc" __testworker &
track $!
answers $worker

# nginx as bench/run.sh sets it up (bench/lib.sh).
nginx_conf "$out" $worker $viaNginx
nginx -c "$out/nginx.conf" -p "$out" -g 'daemon off;' &
track $!
answers $viaNginx
pidNginx=$(pgrep -P "$!" | head -1) # the worker process, which serves

bench_config "$out/applicationHost.config" "$pc" "$viaPoolctl" "" "" GOMAXPROCS=2
"$pc" run -c "$out/applicationHost.config" --admin "$out/admin.sock" >"$out/run.out" 2>"$out/run.log" &
track $!
pidPoolctl=$!
"$out/h1floor" goroutine "127.0.0.1:$goroutine" "127.0.0.1:$worker" 2>"$out/goroutine.log" &
track $!
pidGoroutine=$!
"$out/h1floor" loop "127.0.0.1:$loop" "127.0.0.1:$worker" 2>"$out/loop.log" &
track $!
pidLoop=$!
"$out/h1floor" loop-work "127.0.0.1:$loopWork" "127.0.0.1:$worker" 2>"$out/loop-work.log" &
track $!
pidLoopWork=$!
for port in $viaPoolctl $goroutine $loop $loopWork; do answers "$port"; done

names="nginx poolctl goroutine loop loop-work"
: >"$out/rounds.txt"
for round in $(seq "$rounds"); do
	for target in nginx=$pidNginx=$viaNginx poolctl=$pidPoolctl=$viaPoolctl goroutine=$pidGoroutine=$goroutine \
		loop=$pidLoop=$loop loop-work=$pidLoopWork=$loopWork; do
		IFS== read -r name pid port <<<"$target"
		a=$(cpu_ticks "$pid")
		wrk -t2 -c64 -d"${dur}s" --latency "http://127.0.0.1:$port/" >"$out/wrk.txt"
		b=$(cpu_ticks "$pid")
		read -r rps p50 p99 < <(wrk_summary "$out/wrk.txt")
		echo "$name $round $rps $p50 $p99 $(us_per_request $((b - a)) "$rps" "$dur")" >>"$out/rounds.txt"
	done
done

# fig NAME COLUMN: the median of a column (3 rps, 4 p50, 5 p99, 6 CPU µs a request)
fig() { awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$out/rounds.txt" | median; }
# ratio NAME COLUMN: the median over the rounds of NAME's column over nginx's
ratio() {
	awk -v a="$1" -v c="$2" '$1 == a { x[$2] = $c } $1 == "nginx" { y[$2] = $c }
		END { for (r in x) print x[r] / y[r] }' "$out/rounds.txt" | median
}
echo "HTTP/1.1 through each front end to the same worker: wrk, 64 connections, ${dur} s, median of $rounds interleaved rounds"
printf "%-10s %11s %8s %8s %11s %15s\n" "" requests/s "p50 ms" "p99 ms" "CPU us/req" "/nginx thr p99 CPU"
for n in $names; do
	printf "%-10s %11.0f %8.3f %8.3f %11.1f" "$n" "$(fig "$n" 3)" "$(fig "$n" 4)" "$(fig "$n" 5)" "$(fig "$n" 6)"
	[ "$n" = nginx ] && { echo; continue; }
	printf "   %.2fx %.2fx %.2fx\n" "$(ratio "$n" 3)" "$(ratio "$n" 5)" "$(ratio "$n" 6)"
done
echo "targets for poolctl (issue 18): throughput >= 1.00x nginx's, p99 <= 1.00x; goroutine, loop and loop-work are floors, not targets"
echo "rounds: $out/rounds.txt"
