#!/usr/bin/env bash
# Chaos probe of issue 14 items 6 and 7: files that application owners control.
#   - poolctl run with a site whose web.config is a FIFO, and one whose web.config
#     links to /dev/zero: time until run listens, its peak RSS, and whether it serves
#     the other site; ok when it listens within 10 s, under 100 MiB, and serves.
#   - a configSource linked to /etc/passwd: lint's exit code and message; ok when it
#     is refused with file:line:col and nothing of /etc/passwd is shown.
# Prints one tab-separated row per probe; progress goes to stderr.
set -u
cd "$(dirname "$0")/../.."
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
if [ -z "${POOLCTL:-}" ]; then
	POOLCTL=$OUT/poolctl
	echo "building $POOLCTL" >&2
	go build -o "$POOLCTL" ./cmd/poolctl || exit 2
fi
source bench/lib.sh
command -v curl >/dev/null || need curl curl

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# probe_run NAME MAKE: MAKE is a command that turns $dir/bad/web.config into the hostile file.
probe_run() {
	local name=$1 make=$2 dir good bad pid start listened=0 ms rss code
	dir=$(mktemp -d "$OUT/appdirs.XXXXXX")
	good=$(freeport)
	bad=$(freeport)
	mkdir -p "$dir/good" "$dir/bad"
	$make "$dir/bad/web.config"
	cat >"$dir/app.config" <<CONF
<configuration>
    <system.applicationHost>
        <applicationPools>
            <add name="Good" startMode="AlwaysRunning"><processModel identityType="LocalSystem" /></add>
            <add name="Bad"><processModel identityType="LocalSystem" /></add>
        </applicationPools>
        <sites>
            <site name="Good" id="1">
                <application path="/" applicationPool="Good"><virtualDirectory path="/" physicalPath="$dir/good" /></application>
                <bindings><binding protocol="http" bindingInformation="127.0.0.1:$good:" /></bindings>
            </site>
            <site name="Bad" id="2">
                <application path="/" applicationPool="Bad"><virtualDirectory path="/" physicalPath="$dir/bad" /></application>
                <bindings><binding protocol="http" bindingInformation="127.0.0.1:$bad:" /></bindings>
            </site>
        </sites>
    </system.applicationHost>
    <location path="">
        <system.webServer><aspNetCore processPath="$POOLCTL" arguments="__testworker" /></system.webServer>
    </location>
</configuration>
CONF
	echo "run with $name" >&2
	start=$(date +%s%N)
	"$POOLCTL" run -c "$dir/app.config" --admin "$dir/a.sock" >"$dir/out" 2>"$dir/err" &
	pid=$!
	await_listen "$dir/out" "$bad" "$pid" && listened=1
	ms=$((($(date +%s%N) - start) / 1000000))
	code=000
	if [ $listened = 1 ]; then
		for _ in $(seq 100); do
			code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "http://127.0.0.1:$good/")
			[ "$code" = 200 ] && break
			sleep 0.1
		done
	fi
	rss=$(awk '/^VmHWM/ {print int($2 / 1024)}' "/proc/$pid/status" 2>/dev/null)
	stop_run "$pid"
	grep -o '"msg":"application Bad/[^"]*","event":[0-9]*' "$dir/err" | head -n 1 >&2
	local verdict=FAIL
	[ $listened = 1 ] && [ "$ms" -lt 10000 ] && [ "${rss:-999999}" -lt 100 ] && [ "$code" = 200 ] && verdict=ok
	if [ $listened = 1 ]; then
		printf 'run, web.config %s\tlistening after %d ms, peak RSS %s MiB, other site HTTP %s\t%s\n' "$name" "$ms" "${rss:-?}" "$code" "$verdict"
	else
		printf 'run, web.config %s\tnot listening after %d ms, peak RSS %s MiB\t%s\n' "$name" "$ms" "${rss:-?}" "$verdict"
	fi
}

mkfifo_file() { mkfifo "$1"; }
zero_link() { ln -s /dev/zero "$1"; }
probe_run "a FIFO" mkfifo_file
probe_run "linked to /dev/zero" zero_link

# configSource linked to /etc/passwd.
dir=$(mktemp -d "$OUT/appdirs.XXXXXX")
ln -s /etc/passwd "$dir/pools.config"
cat >"$dir/app.config" <<'CONF'
<configuration>
    <system.applicationHost>
        <applicationPools configSource="pools.config" />
    </system.applicationHost>
</configuration>
CONF
echo "lint with configSource -> /etc/passwd" >&2
"$POOLCTL" lint "$dir/app.config" >"$dir/out" 2>&1
rc=$?
msg=$(grep -m1 -o 'app.config:[0-9]*:[0-9]*: .*' "$dir/out")
verdict=FAIL
[ $rc -ne 0 ] && grep -q 'resolves outside' "$dir/out" && ! grep -q 'root:' "$dir/out" && verdict=ok
printf 'lint, configSource linked to /etc/passwd\texit %d: %s\t%s\n' "$rc" "$msg" "$verdict"
