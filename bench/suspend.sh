#!/usr/bin/env bash
# Measures idle suspend in poolctl run: the first byte of a request to a suspended
# worker (thaw, then serve) against a cold start of the same worker (an OnDemand pool
# whose worker is not running), as a median ratio; target: resume under 1% of the cold
# start (issue 18). Also the worker's resident memory before and after it is suspended (page-out
# needs swap: as root, the script adds a temporary swap file when there is none), for
# the small test worker (pool Nap, mostly its mapped binary) and for the same Go test
# worker holding a 200 MB heap, every page written (pool Heap, TW_HEAP_MB=200): IIS's
# "moved from memory to disk"; target: at most 10% of it left resident.
#
# The floor of the resume ratio: the same test worker started alone (no poolctl, never
# suspended) and asked after it has been idle as long as the suspended one: no resume
# can answer sooner than a worker that was never suspended.
#
#   RUNS=7 bash bench/suspend.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
need chrt util-linux

out=$PWD/bench/out/suspend
rm -rf "$out"
mkdir -p "$out"

# Page-out needs swap. Run as root on a machine without any, the script adds a
# temporary 512 MB swap file for the measurement (SWAP=0 to leave the machine alone).
swapfile=
if [ "$(awk '/^SwapTotal:/ { print $2 }' /proc/meminfo)" = 0 ] && [ "$(id -u)" = 0 ] && [ "${SWAP:-1}" != 0 ]; then
	swapfile=$out/swapfile
	if ! { fallocate -l 512M "$swapfile" && chmod 600 "$swapfile" && mkswap -q "$swapfile" && swapon "$swapfile"; } 2>/dev/null; then
		echo "no temporary swap file (swapon refused): page-out will be refused" >&2
		rm -f "$swapfile"
		swapfile=
	fi
fi
go build -o "$out/poolctl" ./cmd/poolctl
go build -o "$out/firstbyte" ./bench/firstbyte
pc=$out/poolctl
port=18190 heapPort=18191 directPort=18192
sock=$out/admin.sock

cat >"$out/applicationHost.config" <<EOF2
<configuration>
    <system.applicationHost>
        <applicationPools>
            <add name="Nap">
                <processModel identityType="LocalSystem" idleTimeout="00:01:00" idleTimeoutAction="Suspend" />
            </add>
            <add name="Heap">
                <processModel identityType="LocalSystem" idleTimeout="00:01:00" idleTimeoutAction="Suspend" />
                <environmentVariables><add name="TW_HEAP_MB" value="200" /></environmentVariables>
            </add>
        </applicationPools>
        <sites>
            <site name="S" id="1">
                <application path="/" applicationPool="Nap"><virtualDirectory path="/" physicalPath="$out" /></application>
                <bindings><binding protocol="http" bindingInformation="127.0.0.1:$port:" /></bindings>
            </site>
            <site name="H" id="2">
                <application path="/" applicationPool="Heap"><virtualDirectory path="/" physicalPath="$out" /></application>
                <bindings><binding protocol="http" bindingInformation="127.0.0.1:$heapPort:" /></bindings>
            </site>
        </sites>
    </system.applicationHost>
    <location path="">
        <system.webServer>
            <aspNetCore processPath="$pc" arguments="__testworker" />
        </system.webServer>
    </location>
</configuration>
EOF2
# --time-scale 0.01: the 1-minute idle timeout is 0.6 s.
"$pc" run -c "$out/applicationHost.config" --admin "$sock" --time-scale 0.01 >"$out/run.out" 2>"$out/run.log" &
runpid=$!
# The floor's worker, with the scheduling policy poolctl gives its workers.
ASPNETCORE_PORT=$directPort chrt --batch 0 "$pc" __testworker >/dev/null 2>&1 &
directpid=$!
trap 'kill $runpid $directpid 2>/dev/null; wait $runpid $directpid 2>/dev/null || true; [ -z "$swapfile" ] || { swapoff "$swapfile"; rm -f "$swapfile"; }' EXIT
for _ in $(seq 500); do [ -S "$sock" ] && break; sleep 0.01; done

# first_byte PORT: microseconds to the first byte of GET / on a new connection, timed
# by the client that times bench/run.sh's cold start (bench/firstbyte)
first_byte() { "$out/firstbyte" get "http://127.0.0.1:$1/"; }
# app_pid POOL: the pid of the pool's worker's program
app_pid() { "$pc" workers "$1" --admin "$sock" --format json | awk -F'[:,]' '/"pid"/ { p = $2 } END { gsub(/ /, "", p); print p }'; }
# suspended POOL: how many times the pool's worker has been suspended (event 9017)
suspended() { grep -c '"event":9017,"pool":"'"$1"'"' "$out/run.log" || true; }
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# measure POOL PORT: RUNS rounds of a cold start, then a suspend and a resume; each
# round a line "cold resume rss_before rss_after warm direct" in $out/POOL.txt.
measure() {
	: >"$out/$1.txt"
	for _ in $(seq "${RUNS:-7}"); do
		"$pc" pool stop "$1" --admin "$sock" >/dev/null
		"$pc" pool start "$1" --admin "$sock" >/dev/null
		local cold pid before after resume n warm
		n=$(suspended "$1")
		cold=$(first_byte "$2")
		warm=$(first_byte "$2") # the same worker, running: the client's and the front end's share
		pid=$(app_pid "$1")
		before=$(rss "$pid")
		# Suspended once its event is logged: frozen, and paged out (which takes a
		# while for a large heap, after the state says Suspended).
		for _ in $(seq 1000); do [ "$(suspended "$1")" -gt "$n" ] && break; sleep 0.01; done
		after=$(rss "$pid")
		resume=$(first_byte "$2")
		direct=$(first_byte "$directPort") # idle as long, never suspended, no front end
		echo "$cold $resume $before $after $warm $direct" >>"$out/$1.txt"
	done
}
measure Nap "$port"
measure Heap "$heapPort"
col() { cut -d' ' -f"$2" "$out/$1.txt" | median; }
swap=$(awk '/^SwapTotal:/ { print $2 }' /proc/meminfo)
awk -v c="$(col Nap 1)" -v r="$(col Nap 2)" -v b="$(col Nap 3)" -v a="$(col Nap 4)" -v w="$(col Nap 5)" -v d="$(col Nap 6)" \
	-v hc="$(col Heap 1)" -v hr="$(col Heap 2)" -v hb="$(col Heap 3)" -v ha="$(col Heap 4)" -v swap="$swap" 'BEGIN {
	printf "cold start, first byte:   %8.2f ms\n", c / 1000
	printf "resume, first byte:       %8.2f ms\n", r / 1000
	printf "ratio (resume/cold): %.3f (target < 0.010)\n", r / c
	printf "a running worker, first byte: %.2f ms (what the client and the front end take without a resume); resume adds %.2f ms\n", w / 1000, (r - w) / 1000
	printf "floor: the same worker alone, never suspended, asked after as long idle: first byte %.2f ms, %.3f of the cold start\n", d / 1000, d / c
	printf "resident memory: %d kB before suspend, %d kB suspended", b, a
	if (swap == 0) printf " (no swap: nothing to page out to)"
	printf "\n"
	printf "200 MB heap worker: %d kB before suspend, %d kB suspended: %.1f%% left resident (target <= 10%%)\n", hb, ha, 100 * ha / hb
	printf "200 MB heap worker: cold start %.2f ms, first byte after resume %.2f ms (ratio %.3f, target < 0.010)\n", hc / 1000, hr / 1000, hr / hc
}'
grep -o '"msg":"worker suspended[^}]*' "$out/run.log" | head -n 1
