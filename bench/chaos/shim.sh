#!/usr/bin/env bash
# Chaos probe, issue 14 item 9: kill -9 of a worker's shim (the pid `poolctl workers`
# shows) must leave none of its programs running. poolctl run serves an always-running
# pool whose test worker forks a grandchild (in the worker's process group, or in a
# session of its own); each round kills the shim with SIGKILL, waits for the next
# worker, and counts the processes of the killed worker still running; then
# `pool stop` and the runtime's exit, each followed by a count of every process the
# pool ever started. Each process is found by a marker in its environment. Target: 0.
# Last, the runtime is killed with SIGKILL while its spare shim (started ahead of need,
# waiting for instructions) waits: the spare must end too; and the cgroup directory
# the killed runtime left must be gone once the next poolctl run has started.
#
#   POOLCTL=path/to/poolctl OUT=scratch-dir ROUNDS=5 bash bench/chaos/shim.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
need curl curl
need python3 python3

OUT=${OUT:-$PWD/bench/out/chaos}
mkdir -p "$OUT"
if [ -z "${POOLCTL:-}" ]; then
	POOLCTL=$OUT/poolctl
	go build -o "$POOLCTL" ./cmd/poolctl
fi
ROUNDS=${ROUNDS:-5}
dir=$(mktemp -d "$OUT/shim.XXXXXX")
sock=$dir/admin.sock
port=$((20000 + RANDOM % 20000))
mark=CHAOS_SHIM_$$_$RANDOM

# marked [PID...]: how many of the pids (all processes when none) run with the marker.
marked() {
	local n=0 p
	for p in ${*:-$(ls /proc | grep -E '^[0-9]+$')}; do
		[ "$(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null)" = Z ] && continue
		{ tr '\0' '\n' <"/proc/$p/environ"; } 2>/dev/null | grep -qx "$mark=1" && n=$((n + 1))
	done
	echo "$n"
}

# worker: "SHIM APP" of the pool's ready worker, or nothing.
worker() {
	"$POOLCTL" workers --admin "$sock" --format json 2>/dev/null | python3 -c '
import json, sys
for w in json.load(sys.stdin).get("workers", []):
    if w["state"] == "Ready" and w["apps"]:
        print(w["pid"], w["apps"][0]["pid"])
        break' || true
}

# waitworker OLD: the ready worker whose shim is not OLD.
waitworker() {
	local w
	for _ in $(seq 1000); do
		w=$(worker)
		if [ -n "$w" ] && [ "${w%% *}" != "$1" ]; then
			echo "$w"
			return
		fi
		sleep 0.01
	done
	echo "no ready worker" >&2
	return 1
}

# writeconfig SETSID: the configuration of an always-running pool whose test worker
# forks a grandchild (in a session of its own when SETSID is 1).
writeconfig() {
	local setsid=$1
	cat >"$dir/applicationHost.config" <<EOF2
<configuration>
    <system.applicationHost>
        <applicationPools>
            <add name="Chaos" startMode="AlwaysRunning"><processModel identityType="LocalSystem" pingingEnabled="false" /><failure rapidFailProtection="false" /></add>
        </applicationPools>
        <sites>
            <site name="S" id="1">
                <application path="/" applicationPool="Chaos"><virtualDirectory path="/" physicalPath="$dir" /></application>
                <bindings><binding protocol="http" bindingInformation="127.0.0.1:$port:" /></bindings>
            </site>
        </sites>
    </system.applicationHost>
    <location path="">
        <system.webServer>
            <aspNetCore processPath="$POOLCTL" arguments="__testworker">
                <environmentVariables>
                    <environmentVariable name="TW_FORK_GRANDCHILD" value="1" />
                    <environmentVariable name="TW_GRANDCHILD_SETSID" value="$setsid" />
                    <environmentVariable name="$mark" value="1" />
                </environmentVariables>
            </aspNetCore>
        </system.webServer>
    </location>
</configuration>
EOF2
}

runscenario() { # SETSID: prints the result rows of one runtime
	local setsid=$1 label=$2
	writeconfig "$setsid"
	rm -f "$sock"
	"$POOLCTL" run -c "$dir/applicationHost.config" --admin "$sock" >"$dir/run.out" 2>"$dir/run.log" &
	local runpid=$! shim app gc old=0 left=0 pids
	for _ in $(seq 1000); do [ -S "$sock" ] && break; sleep 0.01; done
	for _ in $(seq "$ROUNDS"); do
		read -r shim app < <(waitworker "$old")
		gc=$(curl -s "http://127.0.0.1:$port/whoami" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("grandchild", 0))')
		echo "round: shim $shim app $app grandchild $gc" >&2
		kill -9 "$shim"
		waitworker "$shim" >/dev/null # the runtime has handled the killed worker's end
		pids="$app $gc"
		left=$((left + $(marked $pids)))
		old=$shim
	done
	printf 'shim kill -9 x%d, grandchild %s\t%d processes left after the worker end\t%s\n' \
		"$ROUNDS" "$label" "$left" "$([ "$left" = 0 ] && echo ok || echo FAIL)"
	"$POOLCTL" pool stop Chaos --admin "$sock" >/dev/null
	left=$(marked)
	printf 'pool stop after the kills, grandchild %s\t%d processes left\t%s\n' "$label" "$left" "$([ "$left" = 0 ] && echo ok || echo FAIL)"
	"$POOLCTL" pool start Chaos --admin "$sock" >/dev/null
	read -r shim app < <(waitworker 0)
	kill -9 "$shim"
	kill -TERM "$runpid"
	wait "$runpid" || true
	left=$(marked)
	printf 'runtime exit right after a shim kill, grandchild %s\t%d processes left\t%s\n' "$label" "$left" "$([ "$left" = 0 ] && echo ok || echo FAIL)"
	# Leave the machine clean whatever the result.
	for p in $(ls /proc | grep -E '^[0-9]+$'); do
		{ tr '\0' '\n' <"/proc/$p/environ"; } 2>/dev/null | grep -qx "$mark=1" && kill -9 "$p" 2>/dev/null || true
	done
}

# sparescenario: the spare shim (a child __shim of the runtime with no child of its
# own: started ahead of need, it waits for instructions) must not outlive a runtime
# killed with SIGKILL.
sparescenario() {
	writeconfig ""
	rm -f "$sock"
	"$POOLCTL" run -c "$dir/applicationHost.config" --admin "$sock" >"$dir/run.out" 2>"$dir/run.log" &
	local runpid=$! spare="" state p
	for _ in $(seq 1000); do [ -S "$sock" ] && break; sleep 0.01; done
	waitworker 0 >/dev/null # the spare is started again once the worker is ready
	for _ in $(seq 1000); do
		for p in $(pgrep -P "$runpid" -f "__shim" || true); do
			[ -n "$(pgrep -P "$p" || true)" ] || spare=$p
		done
		[ -n "$spare" ] && break
		sleep 0.01
	done
	killedrun=$runpid
	kill -9 "$runpid"
	wait "$runpid" 2>/dev/null || true
	state=none
	if [ -n "$spare" ]; then
		for _ in $(seq 1000); do
			state=$(awk '{ print $3 }' "/proc/$spare/stat" 2>/dev/null || echo gone)
			[ "$state" = gone ] || [ "$state" = Z ] && break
			sleep 0.01
		done
	fi
	case $state in
	gone | Z) printf 'runtime kill -9, a spare shim waiting\tthe spare (pid %s) ended\tok\n' "$spare" ;;
	none) printf 'runtime kill -9, a spare shim waiting\tno spare shim found\tFAIL\n' ;;
	*) printf 'runtime kill -9, a spare shim waiting\tthe spare (pid %s) still runs (state %s)\tFAIL\n' "$spare" "$state" ;;
	esac
	for p in $(ls /proc | grep -E '^[0-9]+$'); do
		{ tr '\0' '\n' <"/proc/$p/environ"; } 2>/dev/null | grep -qx "$mark=1" && kill -9 "$p" 2>/dev/null || true
	done
}

# sweepscenario: the cgroup directories of the runtime sparescenario killed
# (poolctl/run-PID-* in each hierarchy) are removed by the next poolctl run.
sweepscenario() {
	local left before
	left() { find /sys/fs/cgroup -maxdepth 3 -type d -path "*/poolctl/run-$killedrun-*" 2>/dev/null | wc -l; }
	before=$(left)
	if [ "$before" = 0 ]; then
		printf 'cgroups of a runtime killed with SIGKILL	none made (no usable cgroup here)	ok
'
		return
	fi
	rm -f "$sock"
	"$POOLCTL" run -c "$dir/applicationHost.config" --admin "$sock" >"$dir/run2.out" 2>"$dir/run2.log" &
	local runpid=$!
	for _ in $(seq 1000); do [ -S "$sock" ] && break; sleep 0.01; done
	kill -INT "$runpid"
	wait "$runpid" 2>/dev/null || true
	if [ "$(left)" = 0 ]; then
		printf 'cgroups of a runtime killed with SIGKILL	%s directories, removed by the next run	ok
' "$before"
	else
		printf 'cgroups of a runtime killed with SIGKILL	%s of %s directories left after the next run	FAIL
' "$(left)" "$before"
	fi
}

runscenario "" "in the worker's group"
runscenario 1 "in its own session (setsid)"
sparescenario
sweepscenario
grep -o '"msg":"[^"]*cgroup[^"]*"[^}]*' "$dir/run.log" | head -n 1 >&2 || true
