#!/usr/bin/env bash
# Measures poolctl run's front end: requests per second and p50/p99 latency with wrk,
# against the same test worker reached directly, through nginx as a reverse proxy
# (keep-alive upstream, started here on loopback), and through poolctl run. Prints the
# ratios. Targets (issue 18): poolctl at least nginx's throughput (1.0x), p99 no worse
# than nginx's. Then the same over TLS (HTTP/1.1 with wrk, then HTTP/2 with h2load, 10
# streams a connection; an IP-bound P-256 certificate, TLS 1.3): nginx and poolctl
# each terminate TLS in front of the same worker (targets: 1.0x nginx's throughput,
# p99 no worse). Then the cold start of an OnDemand pool: RUNS rounds, each timing
# the worker's own start and the first request to the pool with bench/firstbyte; the
# overhead is the median of the rounds' differences (target: under 2 ms). A second
# poolctl run with --status measures what counting the requests
# for Prometheus costs (target: at least 0.98x the throughput without).
#
# Each round also reads the CPU time (user and system) that the front end used per
# request: nginx's worker process, poolctl run, and, in the HTTP/2 rounds,
# bench/h2floor: net/http's HTTP/2 server answering from memory, with no worker and
# nothing proxied. poolctl serves HTTP/2 with that server (issue 16 requires the Go
# team's implementation), so h2floor's CPU a request is the least poolctl's can be; on
# a machine that the load keeps busy, throughput follows the CPU a request spent.
#
#   DURATION=3s ROUNDS=7 CONNECTIONS=64 THREADS=2 RUNS=101 bash bench/run.sh
#
# (the defaults: 7 rounds, because the medians of 3 drifted by several points between
# runs minutes apart on a 2-core machine)
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
need wrk wrk
need nginx nginx
need curl curl
need openssl openssl
need h2load nghttp2-client
need chrt util-linux

out=$PWD/bench/out/run
rm -rf "$out"
mkdir -p "$out"
go build -o "$out/poolctl" ./cmd/poolctl
pc=$out/poolctl
dur=${DURATION:-3s}
rounds=${ROUNDS:-7}
conns=${CONNECTIONS:-64}
threads=${THREADS:-2}
direct=18080 viaNginx=18081 viaPoolctl=18082 cold=18083 nginxTLS=18084 poolctlTLS=18085 viaMetrics=18086 statusPort=18087
floorTLS=18088

# wait_port PORT: until something accepts on 127.0.0.1:PORT.
wait_port() {
	for _ in $(seq 500); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return
		sleep 0.01
	done
	echo "nothing listens on port $1" >&2
	exit 1
}

# The worker that nginx fronts (and that "direct" reaches) runs as poolctl runs its
# workers, with the SCHED_BATCH policy, so that both front ends serve the same process
# run the same way (poolctl run --worker-cpu-policy other and no chrt here compare
# the default policy).
ASPNETCORE_PORT=$direct chrt --batch 0 "$pc" __testworker &
track $!
pidDirect=$!
wait_port $direct

# One certificate for both TLS front ends (bench/lib.sh).
tls_cert "$out" "$poolctlTLS"

nginx_conf "$out" $direct $viaNginx $nginxTLS
nginx -c "$out/nginx.conf" -p "$out" -g 'daemon off;' &
track $!
wait_port $viaNginx
pidNginx=$(pgrep -P "$!" | head -1) # the worker process, which serves

# net/http's HTTP/2 server alone (see the top).
go build -o "$out/h2floor" ./bench/h2floor
"$out/h2floor" "127.0.0.1:$floorTLS" "$out/tls.crt" "$out/tls.key" 2>"$out/h2floor.log" &
track $!
pidFloor=$!

bench_config "$out/applicationHost.config" "$pc" "$viaPoolctl" "$poolctlTLS" "$cold"
${RUN_ENV:-} "$pc" run -c "$out/applicationHost.config" --admin "$out/admin.sock" --certs "$out/certs" >"$out/run.out" 2>"$out/run.log" &
track $!
pidPoolctl=$!
# The same site through a second poolctl run with --status: every answer counted for
# Prometheus (poolctl_requests_total, the duration histogram). Target: at least 0.98x
# the throughput of the run without it.
mkdir -p "$out/metrics"
bench_config "$out/metrics/applicationHost.config" "$pc" "$viaMetrics" ""
${RUN_ENV:-} "$pc" run -c "$out/metrics/applicationHost.config" --admin "$out/metrics/admin.sock" --status "127.0.0.1:$statusPort" \
	>"$out/metrics/run.out" 2>"$out/metrics/run.log" &
track $!
pidMetrics=$!
wait_port $viaPoolctl
curl -sf "http://127.0.0.1:$viaPoolctl/" >/dev/null # the always-running worker is ready
wait_port $viaMetrics
curl -sf "http://127.0.0.1:$viaMetrics/" >/dev/null
wait_port $nginxTLS
wait_port $floorTLS
curl -sf --cacert "$out/tls.crt" "https://127.0.0.1:$poolctlTLS/" >/dev/null
curl -sf --cacert "$out/tls.crt" "https://127.0.0.1:$nginxTLS/" >/dev/null
curl -sf --cacert "$out/tls.crt" "https://127.0.0.1:$floorTLS/" >/dev/null

# with_cpu PID CMD...: runs CMD, which prints "rps p50_ms p99_ms" of a load of $dur,
# and adds the microseconds of CPU that PID used per request meanwhile.
with_cpu() {
	local pid=$1 a b rps p50 p99
	shift
	a=$(cpu_ticks "$pid")
	read -r rps p50 p99 < <("$@")
	b=$(cpu_ticks "$pid")
	echo "$rps $p50 $p99 $(us_per_request $((b - a)) "$rps" "${dur%s}")"
}

# measure_wrk NAME URL: prints "rps p50_ms p99_ms"
measure_wrk() {
	wrk -t"$threads" -c"$conns" -d"$dur" --latency "$2" >"$out/wrk-$1.txt"
	wrk_summary "$out/wrk-$1.txt"
}
# measure_h2 NAME URL: the same with h2load over HTTP/2, 10 streams a connection.
measure_h2() {
	h2load -D "${dur%s}" -c "$conns" -m 10 -t "$threads" --log-file="$out/h2load-$1.log" "$2" >"$out/h2load-$1.txt"
	h2load_summary "$out/h2load-$1.txt" "$out/h2load-$1.log"
}
# Rounds of all, interleaved (so that a slow moment of the machine does not fall on
# one of them only); each figure is the median over the rounds, each ratio the median
# of the rounds' ratios. A target is NAME=PID=URL, PID the process whose CPU is read.
: >"$out/wrk.txt"
for round in $(seq "$rounds"); do
	for target in direct=$pidDirect=http://127.0.0.1:$direct/ nginx=$pidNginx=http://127.0.0.1:$viaNginx/ \
		poolctl=$pidPoolctl=http://127.0.0.1:$viaPoolctl/ poolctl-metrics=$pidMetrics=http://127.0.0.1:$viaMetrics/ \
		nginx-tls=$pidNginx=https://127.0.0.1:$nginxTLS/ poolctl-tls=$pidPoolctl=https://127.0.0.1:$poolctlTLS/; do
		IFS== read -r name pid url <<<"$target"
		echo "$name $round $(with_cpu "$pid" measure_wrk "$name-$round" "$url")" >>"$out/wrk.txt"
	done
	for target in nginx-h2=$pidNginx=https://127.0.0.1:$nginxTLS/ poolctl-h2=$pidPoolctl=https://127.0.0.1:$poolctlTLS/ \
		floor-h2=$pidFloor=https://127.0.0.1:$floorTLS/; do
		IFS== read -r name pid url <<<"$target"
		echo "$name $round $(with_cpu "$pid" measure_h2 "$name-$round" "$url")" >>"$out/wrk.txt"
	done
done
# fig NAME COLUMN: the median of a column (3 rps, 4 p50, 5 p99, 6 CPU µs a request) of
# NAME's rounds
fig() { awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$out/wrk.txt" | median; }
# ratio A B COLUMN: the median over the rounds of A's column over B's in the same
# round (the machine's speed drifts between rounds more than within one)
ratio() {
	awk -v a="$1" -v b="$2" -v c="$3" '$1 == a { x[$2] = $c } $1 == b { y[$2] = $c }
		END { for (r in x) print x[r] / y[r] }' "$out/wrk.txt" | median
}
# row NAME [LABEL]: a table's row of NAME's medians: requests/s, p50, p99, CPU.
row() {
	printf "%-13s %12.0f %10.3f %10.3f %14.1f\n" "${2:-$1}" "$(fig "$1" 3)" "$(fig "$1" 4)" "$(fig "$1" 5)" "$(fig "$1" 6)"
}
header() { printf "%-13s %12s %10s %10s %14s\n" "" requests/s "p50 ms" "p99 ms" "CPU us/req"; }
echo "wrk, $conns connections, $dur each, median of $rounds interleaved rounds (CPU: of the front end; direct: of the worker)"
header
row direct
row nginx
row poolctl
awk -v tn="$(ratio poolctl nginx 3)" -v ln="$(ratio poolctl nginx 5)" -v cn="$(ratio poolctl nginx 6)" \
	-v td="$(ratio poolctl direct 3)" -v ld="$(ratio poolctl direct 5)" 'BEGIN {
	printf "ratios, the median of each round'"'"'s:\n"
	printf "poolctl/nginx: throughput %.2fx (target >= 1.00x), p99 %.2fx (target <= 1.00x), CPU a request %.2fx\n", tn, ln, cn
	printf "poolctl/direct: throughput %.2fx, p99 %.2fx\n", td, ld
}'
# tls_table NAME TITLE: the table and ratios of nginx-NAME against poolctl-NAME.
tls_table() {
	echo "$2, same rounds"
	header
	row "nginx-$1"
	row "poolctl-$1"
	awk -v tn="$(ratio "poolctl-$1" "nginx-$1" 3)" -v ln="$(ratio "poolctl-$1" "nginx-$1" 5)" \
		-v cn="$(ratio "poolctl-$1" "nginx-$1" 6)" -v title="$2" 'BEGIN {
		printf "poolctl/nginx, %s: throughput %.2fx (target >= 1.00x), p99 %.2fx (target <= 1.00x), CPU a request %.2fx\n", title, tn, ln, cn
	}'
}
tls_table tls "HTTP/1.1 over TLS (wrk)"
tls_table h2 "HTTP/2 (h2load, 10 streams a connection)"
row floor-h2 "net/http alone"
awk -v fn="$(ratio floor-h2 nginx-h2 6)" -v pf="$(ratio poolctl-h2 floor-h2 6)" 'BEGIN {
	printf "HTTP/2 floor: net/http'"'"'s HTTP/2 server answering from memory (bench/h2floor) uses %.2fx the CPU a request of nginx proxying to the worker; poolctl-h2 uses %.2fx the floor'"'"'s\n", fn, pf
}'
awk -v m="$(ratio poolctl-metrics poolctl 3)" -v l="$(ratio poolctl-metrics poolctl 5)" 'BEGIN {
	printf "metrics (--status), same rounds: throughput %.3fx of poolctl without (target >= 0.98x), p99 %.2fx\n", m, l
}'
curl -sf "http://127.0.0.1:$statusPort/metrics" | grep -q '^poolctl_requests_total{code="200",pool="Bench",site="Bench"}' ||
	{ echo "bench: the metrics did not count the requests" >&2; exit 1; }

# Cold start: the worker's own start (poolctl __testworker until it answers GET /, tried
# every 100 µs) against the first request to the OnDemand pool, which starts the same
# worker; both timed to the first byte by the same client, bench/firstbyte.
go build -o "$out/firstbyte" ./bench/firstbyte
own_start() { "$out/firstbyte" spawn 18090 "$pc" __testworker 2>/dev/null; }
first_request() { "$out/firstbyte" get "http://127.0.0.1:$cold/"; }
: >"$out/cold.txt"
# A Go program's own start varies by milliseconds from one run to the next: many
# rounds, each a pair, and the overhead is the median of the pairs' differences.
# The worker's own start alone varies from 10 to 15 ms here, so the differences spread
# over ±3 ms: three runs of 101 rounds (about 6 s each) gave medians 0.33 ms apart,
# runs of 31 rounds up to 0.8 ms apart.
for _ in $(seq "${RUNS:-101}"); do
	"$pc" pool stop Cold --admin "$out/admin.sock" >/dev/null
	"$pc" pool start Cold --admin "$out/admin.sock" >/dev/null
	echo "$(own_start) $(first_request)" >>"$out/cold.txt"
done
own=$(cut -d' ' -f1 "$out/cold.txt" | median)
first=$(cut -d' ' -f2 "$out/cold.txt" | median)
over=$(awk '{ print $2 - $1 }' "$out/cold.txt" | median)
awk -v o="$own" -v f="$first" -v d="$over" -v n="$(wc -l <"$out/cold.txt")" 'BEGIN {
	printf "cold start, medians of %d rounds: first request %.1f ms, the worker alone %.1f ms; overhead (median of the rounds'"'"' differences) %.1f ms (target < 2 ms)\n", n, f / 1000, o / 1000, d / 1000
}'
