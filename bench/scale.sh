#!/usr/bin/env bash
# Measures how poolctl run scales (issue 18): proxy throughput (wrk, 64 connections)
# to one site when 1, 100 and 10,000 sites and pools are configured (all on one port,
# told apart by Host; routing cost should be flat), the runtime's memory per idle
# pool (RSS with N pools, none started, over RSS with 1), and per idle keep-alive
# client connection (RSS after CONNS connections each served one request, then five,
# and kept open, over RSS before).
#
#   DURATION=3s ROUNDS=3 COUNTS="1 100 10000" CONNS=5000 bash bench/scale.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
need wrk wrk
need curl curl
need python3 python3

out=$PWD/bench/out/scale
rm -rf "$out"
mkdir -p "$out"
go build -o "$out/poolctl" ./cmd/poolctl
pc=$out/poolctl
port=18300
ulimit -n 65536 2>/dev/null || true

# config N: a configuration of N OnDemand pools and N sites s1.test..sN.test on $port,
# site i in pool i, every application the test worker.
config() {
	{
		echo '<configuration><system.applicationHost><applicationPools>'
		awk -v n="$1" 'BEGIN { for (i = 1; i <= n; i++) printf "<add name=\"P%d\"><processModel identityType=\"LocalSystem\" /></add>\n", i }'
		echo '</applicationPools><sites>'
		awk -v n="$1" -v out="$out" -v port="$port" 'BEGIN { for (i = 1; i <= n; i++)
			printf "<site name=\"S%d\" id=\"%d\"><application path=\"/\" applicationPool=\"P%d\"><virtualDirectory path=\"/\" physicalPath=\"%s\" /></application><bindings><binding protocol=\"http\" bindingInformation=\"127.0.0.1:%d:s%d.test\" /></bindings></site>\n", i, i, i, out, port, i }'
		echo '</sites></system.applicationHost>'
		echo "<location path=\"\"><system.webServer><aspNetCore processPath=\"$pc\" arguments=\"__testworker\" /></system.webServer></location>"
		echo '</configuration>'
	} >"$out/$1.config"
}
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

: >"$out/results.txt"
for n in ${COUNTS:-1 100 10000}; do
	config "$n"
	"$pc" run -c "$out/$n.config" --admin "$out/$n.sock" >"$out/$n.out" 2>"$out/$n.log" &
	pid=$!
	await_listen "$out/$n.out" "$port" "$pid" || { echo "poolctl run with $n pools did not listen" >&2; cat "$out/$n.log" >&2; exit 1; }
	idle=$(rss "$pid") # every pool stopped-until-asked: no worker yet
	curl -sf -H "Host: s1.test" "http://127.0.0.1:$port/" >/dev/null # starts pool P1's worker
	for r in $(seq "${ROUNDS:-3}"); do
		wrk -t2 -c64 -d"${DURATION:-3s}" -H "Host: s1.test" "http://127.0.0.1:$port/" >"$out/wrk-$n-$r.txt"
		echo "$n $r $(awk '/Requests\/sec/ { print $2 }' "$out/wrk-$n-$r.txt") $idle" >>"$out/results.txt"
	done
	stop_run "$pid" || true
done
fig() { awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$out/results.txt" | median; }
first=$(echo ${COUNTS:-1 100 10000} | awk '{ print $1 }')
base_rps=$(fig "$first" 3)
base_rss=$(fig "$first" 4)
printf "%10s %14s %10s %12s %16s\n" "pools" "requests/s" "vs $first" "RSS KiB" "KiB per pool"
for n in ${COUNTS:-1 100 10000}; do
	awk -v n="$n" -v r="$(fig "$n" 3)" -v b="$base_rps" -v m="$(fig "$n" 4)" -v bm="$base_rss" -v f="$first" 'BEGIN {
		per = (n > f) ? sprintf("%.2f", (m - bm) / (n - f)) : "-"
		printf "%10d %14.0f %9.2fx %12d %16s\n", n, r, r / b, m, per
	}'
done
echo "routing cost flat: requests/s with the most pools over the fewest, target >= 0.95x (above)"

# Idle keep-alive client connections: CONNS connections, each served REQS requests
# (1, and 5: on Linux a connection that carried 4 holds a second descriptor of its
# socket, its read latch), held open by a Python client; the runtime's RSS before and
# after.
idle_conns() {
	local reqs=$1 pid before after held py
	rm -f "$out/conns.ready"
	"$pc" run -c "$out/1.config" --admin "$out/conns.sock" >"$out/conns.out" 2>"$out/conns.log" &
	pid=$!
	await_listen "$out/conns.out" "$port" "$pid"
	curl -sf -H "Host: s1.test" "http://127.0.0.1:$port/" >/dev/null
	before=$(rss "$pid")
	python3 - "$port" "${CONNS:-5000}" "$out/conns.ready" "$reqs" <<'PY' &
import socket, sys, time
port, n, ready, reqs = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
held = []
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    for _ in range(reqs):
        s.sendall(b"GET / HTTP/1.1\r\nHost: s1.test\r\n\r\n")
        data = b""
        while b"\r\n\r\n" not in data or not data.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    held.append(s)
open(ready, "w").write(str(len(held)))
time.sleep(3600)
PY
	py=$!
	for _ in $(seq 6000); do [ -s "$out/conns.ready" ] && break; sleep 0.01; done
	after=$(rss "$pid")
	held=$(cat "$out/conns.ready")
	kill "$py" 2>/dev/null || true
	stop_run "$pid" || true
	awk -v b="$before" -v a="$after" -v n="$held" -v r="$reqs" 'BEGIN {
		printf "idle keep-alive connections, %d request(s) each: %d held, RSS %d KiB -> %d KiB: %.2f KiB per connection\n", r, n, b, a, (a - b) / n
	}'
}
config 1
idle_conns 1
idle_conns 5
