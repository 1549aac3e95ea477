#!/usr/bin/env bash
# Measures idle suspend in poolctl run: the first byte of a request to a suspended
# worker (thaw, then serve) against a cold start of the same worker (an OnDemand pool
# whose worker is not running), as a median ratio; target: resume under 5% of the cold
# start. Also the worker's resident memory before and after it is suspended (page-out
# needs swap: as root, the script adds a temporary swap file when there is none).
#
#   RUNS=7 bash bench/suspend.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
need curl curl

out=$PWD/bench/out/suspend
rm -rf "$out"
mkdir -p "$out"

# Page-out needs swap. Run as root on a machine without any, the script adds a
# temporary 256 MB swap file for the measurement (SWAP=0 to leave the machine alone).
swapfile=
if [ "$(awk '/^SwapTotal:/ { print $2 }' /proc/meminfo)" = 0 ] && [ "$(id -u)" = 0 ] && [ "${SWAP:-1}" != 0 ]; then
	swapfile=$out/swapfile
	if ! { fallocate -l 256M "$swapfile" && chmod 600 "$swapfile" && mkswap -q "$swapfile" && swapon "$swapfile"; } 2>/dev/null; then
		echo "no temporary swap file (swapon refused): page-out will be refused" >&2
		rm -f "$swapfile"
		swapfile=
	fi
fi
go build -o "$out/poolctl" ./cmd/poolctl
pc=$out/poolctl
port=18190
sock=$out/admin.sock

cat >"$out/applicationHost.config" <<EOF2
<configuration>
    <system.applicationHost>
        <applicationPools>
            <add name="Nap">
                <processModel identityType="LocalSystem" idleTimeout="00:01:00" idleTimeoutAction="Suspend" />
            </add>
        </applicationPools>
        <sites>
            <site name="S" id="1">
                <application path="/" applicationPool="Nap"><virtualDirectory path="/" physicalPath="$out" /></application>
                <bindings><binding protocol="http" bindingInformation="127.0.0.1:$port:" /></bindings>
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
trap 'kill $runpid 2>/dev/null; wait $runpid 2>/dev/null || true; [ -z "$swapfile" ] || { swapoff "$swapfile"; rm -f "$swapfile"; }' EXIT
for _ in $(seq 500); do [ -S "$sock" ] && break; sleep 0.01; done

# first_byte: microseconds to the first byte of GET /
first_byte() {
	curl -s -o /dev/null -w '%{time_starttransfer}\n' "http://127.0.0.1:$port/" | awk '{ printf "%d\n", $1 * 1000000 }'
}
# app_pid: the pid of the worker's program
app_pid() { "$pc" workers --admin "$sock" --format json | awk -F'[:,]' '/"pid"/ { p = $2 } END { gsub(/ /, "", p); print p }'; }
# state: the worker's state
state() { "$pc" workers --admin "$sock" --format json | awk -F'"' '/"state"/ { print $4; exit }'; }
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

: >"$out/times.txt"
: >"$out/rss.txt"
for _ in $(seq "${RUNS:-7}"); do
	"$pc" pool stop Nap --admin "$sock" >/dev/null
	"$pc" pool start Nap --admin "$sock" >/dev/null
	cold=$(first_byte)
	pid=$(app_pid)
	before=$(rss "$pid")
	for _ in $(seq 500); do [ "$(state)" = Suspended ] && break; sleep 0.01; done
	after=$(rss "$pid")
	resume=$(first_byte)
	echo "$cold $resume" >>"$out/times.txt"
	echo "$before $after" >>"$out/rss.txt"
done
c=$(cut -d' ' -f1 "$out/times.txt" | median)
r=$(cut -d' ' -f2 "$out/times.txt" | median)
b=$(cut -d' ' -f1 "$out/rss.txt" | median)
a=$(cut -d' ' -f2 "$out/rss.txt" | median)
swap=$(awk '/^SwapTotal:/ { print $2 }' /proc/meminfo)
awk -v c="$c" -v r="$r" -v b="$b" -v a="$a" -v swap="$swap" 'BEGIN {
	printf "cold start, first byte:   %8.2f ms\n", c / 1000
	printf "resume, first byte:       %8.2f ms\n", r / 1000
	printf "ratio (resume/cold): %.3f (target < 0.050)\n", r / c
	printf "resident memory: %d kB before suspend, %d kB suspended", b, a
	if (swap == 0) printf " (no swap: nothing to page out to)"
	printf "\n"
}'
grep -o '"msg":"worker suspended[^}]*' "$out/run.log" | head -n 1
