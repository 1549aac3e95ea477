#!/usr/bin/env bash
# Chaos probe of issue 14 item 11 (connection limit): poolctl run with its file
# descriptor limit lowered to 128 (ulimit -n), and 300 client connections held open,
# idle from the start or after 5 requests each (on Linux a connection then holds a
# second descriptor, its read latch); then one more client sends a request. ok when
# it is answered (503, "too many connections") within 5 s and event 9024 is logged
# once, instead of accept failing with EMFILE and the client waiting.
# Prints one tab-separated row per probe; progress goes to stderr.
set -u
cd "$(dirname "$0")/../.."
source bench/lib.sh
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
if [ -z "${POOLCTL:-}" ]; then
	POOLCTL=$OUT/poolctl
	go build -o "$POOLCTL" ./cmd/poolctl || exit 2
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=$(mktemp -d "$OUT/connlimit.XXXXXX")
cat >"$dir/app.config" <<CONF
<configuration>
    <system.applicationHost>
        <applicationPools>
            <add name="P" startMode="AlwaysRunning"><processModel identityType="LocalSystem" /></add>
        </applicationPools>
        <sites>
            <site name="S" id="1">
                <application path="/" applicationPool="P"><virtualDirectory path="/" physicalPath="$dir" /></application>
                <bindings><binding protocol="http" bindingInformation="127.0.0.1:$port:" /></bindings>
            </site>
        </sites>
    </system.applicationHost>
    <location path="">
        <system.webServer><aspNetCore processPath="$POOLCTL" arguments="__testworker" /></system.webServer>
    </location>
</configuration>
CONF
# probe REQUESTS: one poolctl run; 300 connections each send REQUESTS requests, one
# after the other, and stay open; then one more client's request. Prints its row.
probe() {
	local reqs=$1 pid result status ms events verdict
	rm -f "$dir/out" "$dir/err"
	(ulimit -n 128 && exec "$POOLCTL" run -c "$dir/app.config" --admin "$dir/a.sock" >"$dir/out" 2>"$dir/err") &
	pid=$!
	await_listen "$dir/out" "$port" "$pid" || echo "poolctl run did not listen" >&2
	echo "poolctl run (pid $pid) listening on $port with ulimit -n 128; $reqs requests a connection" >&2
	result=$(python3 - "$port" "$reqs" <<'PY'
import http.client, socket, sys, time
port, reqs = int(sys.argv[1]), int(sys.argv[2])
held, served = [], 0
for _ in range(300):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        c.connect()
        for _ in range(reqs):
            c.request("GET", "/", headers={"Host": "s"})
            r = c.getresponse()
            r.read()
            if r.status != 200:
                raise OSError("status %d" % r.status)
            served += 1
    except (OSError, http.client.HTTPException):
        c.close()
        break
    held.append(c)
print("%d connections held, %d requests served" % (len(held), served), file=sys.stderr)
start = time.monotonic()
c = socket.create_connection(("127.0.0.1", port), timeout=5)
c.settimeout(5)
try:
    c.sendall(b"GET / HTTP/1.1\r\nHost: s\r\n\r\n")
    data = c.recv(4096).decode("latin-1")
    status = data.split(" ", 2)[1] if data.startswith("HTTP/") else "no answer"
except OSError as e:
    status = "no answer (%s)" % type(e).__name__
print("%s %d" % (status.replace(" ", "_"), (time.monotonic() - start) * 1000))
PY
	)
	status=${result% *}
	ms=${result#* }
	events=$(grep -c '"id":9024' "$dir/err")
	stop_run "$pid"
	grep -m1 '9024\|too many open files' "$dir/err" | cut -c1-200 >&2
	verdict=FAIL
	[ "$status" = 503 ] && [ "$events" = 1 ] && ! grep -q 'too many open files' "$dir/err" && verdict=ok
	if [ "$reqs" = 0 ]; then
		printf 'ulimit -n 128, 300 idle connections, one more request'
	else
		printf 'ulimit -n 128, 300 connections idle after %s requests, one more request' "$reqs"
	fi
	printf '\tanswer %s after %s ms, event 9024 logged %s time(s)\t%s\n' "$status" "$ms" "$events" "$verdict"
}

probe 0
probe 5
