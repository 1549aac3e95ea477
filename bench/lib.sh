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
#   tls_cert DIR [PORT...]
#                         a P-256 certificate for IP 127.0.0.1 (DIR/tls.crt, tls.key)
#                         and poolctl's IP-bound file of it for each PORT
#   bench_config FILE PROCESS HTTP TLS [COLD] [NAME=VALUE]
#                         writes the front-end benchmarks' applicationHost.config
#   wrk_summary FILE      prints "rps p50_ms p99_ms" of wrk --latency's output
#   h2load_summary OUT LOG
#                         prints "rps p50_ms p99_ms" of h2load's output and request log
#   cpu_ticks PID         the user and system time of PID so far, in clock ticks
#   track PID...          kills these processes when the script exits
#   answers PORT          waits until GET / on 127.0.0.1:PORT answers
#   nginx_conf DIR WORKER HTTP [TLS]
#                         writes DIR/nginx.conf: nginx proxying to the worker's port
#   us_per_request TICKS RPS SECONDS
#                         microseconds of CPU a request: TICKS over RPS*SECONDS requests

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

# tls_cert DIR [PORT...]: one certificate for the TLS front ends, IP-bound for
# 127.0.0.1: DIR/tls.crt and DIR/tls.key, and for each PORT the file poolctl looks for,
# DIR/certs/127.0.0.1!PORT.pem (certificate and key, mode 0600).
tls_cert() {
	local dir=$1 port
	shift
	mkdir -p "$dir/certs"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 \
		-addext subjectAltName=IP:127.0.0.1 -keyout "$dir/tls.key" -out "$dir/tls.crt" 2>/dev/null
	for port in "$@"; do
		cat "$dir/tls.crt" "$dir/tls.key" >"$dir/certs/127.0.0.1!$port.pem"
		chmod 600 "$dir/certs/127.0.0.1!$port.pem"
	done
}

# bench_config FILE PROCESS HTTP TLS [COLD] [NAME=VALUE]: writes to FILE the
# configuration of the front-end benchmarks: site Bench on 127.0.0.1, http on port
# HTTP and, unless TLS is "", https on TLS (IP-bound), served by the AlwaysRunning pool
# Bench; with COLD, also site Cold on that port, served by the OnDemand pool Cold.
# Every worker is PROCESS __testworker, with the environment variable NAME=VALUE when
# given.
bench_config() {
	local file=$1 process=$2 http=$3 tls=$4 cold=${5:-} env=${6:-} dir app
	dir=$(dirname "$file")
	app="<aspNetCore processPath=\"$process\" arguments=\"__testworker\" />"
	if [ -n "$env" ]; then
		app="<aspNetCore processPath=\"$process\" arguments=\"__testworker\"><environmentVariables><environmentVariable name=\"${env%%=*}\" value=\"${env#*=}\" /></environmentVariables></aspNetCore>"
	fi
	{
		echo '<configuration>'
		echo '    <system.applicationHost>'
		echo '        <applicationPools>'
		echo '            <add name="Bench" startMode="AlwaysRunning" queueLength="65535"><processModel identityType="LocalSystem" /></add>'
		[ -z "$cold" ] || echo '            <add name="Cold"><processModel identityType="LocalSystem" /></add>'
		echo '        </applicationPools>'
		echo '        <sites>'
		echo '            <site name="Bench" id="1">'
		echo "                <application path=\"/\" applicationPool=\"Bench\"><virtualDirectory path=\"/\" physicalPath=\"$dir\" /></application>"
		echo '                <bindings>'
		echo "                    <binding protocol=\"http\" bindingInformation=\"127.0.0.1:$http:\" />"
		[ -z "$tls" ] || echo "                    <binding protocol=\"https\" bindingInformation=\"127.0.0.1:$tls:\" sslFlags=\"0\" />"
		echo '                </bindings>'
		echo '            </site>'
		if [ -n "$cold" ]; then
			echo '            <site name="Cold" id="2">'
			echo "                <application path=\"/\" applicationPool=\"Cold\"><virtualDirectory path=\"/\" physicalPath=\"$dir\" /></application>"
			echo "                <bindings><binding protocol=\"http\" bindingInformation=\"127.0.0.1:$cold:\" /></bindings>"
			echo '            </site>'
		fi
		echo '        </sites>'
		echo '    </system.applicationHost>'
		echo "    <location path=\"\"><system.webServer>$app</system.webServer></location>"
		echo '</configuration>'
	} >"$file"
}

# wrk_summary FILE: "rps p50_ms p99_ms" of the output of wrk --latency in FILE.
wrk_summary() {
	awk '
		/Requests\/sec/ { rps = $2 }
		$1 == "50%" { p50 = $2 } $1 == "99%" { p99 = $2 }
		function ms(s) { if (s ~ /us$/) return s / 1000; if (s ~ /ms$/) return s + 0; if (s ~ /s$/) return s * 1000; return s }
		END { printf "%s %.3f %.3f\n", rps, ms(p50), ms(p99) }' "$1"
}

# h2load_summary OUT LOG: "rps p50_ms p99_ms" of an h2load run, from its output OUT
# and its per-request log LOG (--log-file: microseconds in the third column).
h2load_summary() {
	local rps p50 p99
	rps=$(awk '/^finished in/ { for (i = 1; i <= NF; i++) if ($i == "req/s,") print $(i - 1) }' "$1")
	read -r p50 p99 < <(awk '{ print $3 / 1000 }' "$2" | sort -n |
		awk '{ a[NR] = $1 } END { printf "%.3f %.3f\n", a[int(NR * 0.5) + 1], a[int(NR * 0.99) + 1] }')
	echo "$rps $p50 $p99"
}

# cpu_ticks PID: the user and system time of PID so far, in clock ticks (getconf CLK_TCK
# a second).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# us_per_request TICKS RPS SECONDS: the microseconds of CPU a request that TICKS clock
# ticks (cpu_ticks's difference) make over a load of RPS requests a second for SECONDS.
us_per_request() {
	awk -v c="$1" -v r="$2" -v d="$3" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f\n", c / hz * 1e6 / (r * d) }'
}

# track PID...: kills these processes, and waits for them, when the script exits (one
# EXIT trap for all the script tracks).
tracked=()
track() {
	tracked+=("$@")
	trap 'for p in "${tracked[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT
}

# nginx_conf DIR WORKER HTTP [TLS]: writes DIR/nginx.conf (logs and pid file in DIR): one
# nginx worker process proxying 127.0.0.1:HTTP, and with TLS 127.0.0.1:TLS (TLS 1.2 and
# 1.3, HTTP/2, DIR/tls.crt and DIR/tls.key), to the worker on 127.0.0.1:WORKER over
# keep-alive connections. It forwards what poolctl forwards to a worker besides the
# client's fields (the ASP.NET Core Module's headers), as Microsoft's guide to ASP.NET
# Core behind nginx sets it up (learn.microsoft.com/aspnet/core/host-and-deploy/linux-nginx),
# so that the worker does the same work behind both.
nginx_conf() {
	local dir=$1 worker=$2 http=$3 tls=${4:-} proxy
	proxy='location / {
			proxy_pass http://worker;
			proxy_http_version 1.1;
			proxy_set_header Connection "";
			proxy_set_header Host $http_host;
			proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
			proxy_set_header X-Forwarded-Host $http_host;
			proxy_set_header X-Forwarded-Proto $scheme;
		}'
	{
		cat <<EOF
worker_processes 1;
error_log $dir/nginx-error.log;
pid $dir/nginx.pid;
events { worker_connections 4096; }
http {
	access_log off;
	# nginx closes a keep-alive connection after 1,000 requests by default (h2load
	# then stops using it, and its figures count an idle nginx); poolctl, as HTTP.sys,
	# has no such limit.
	keepalive_requests 1000000;
	upstream worker { server 127.0.0.1:$worker; keepalive 128; }
	server {
		listen 127.0.0.1:$http;
		$proxy
	}
EOF
		[ -z "$tls" ] || cat <<EOF
	server {
		listen 127.0.0.1:$tls ssl http2;
		ssl_certificate $dir/tls.crt;
		ssl_certificate_key $dir/tls.key;
		ssl_protocols TLSv1.2 TLSv1.3;
		ssl_session_cache shared:SSL:1m;
		$proxy
	}
EOF
		echo "}"
	} >"$dir/nginx.conf"
}

# answers PORT: waits up to 10 s until GET / on 127.0.0.1:PORT answers; exits the
# script when it does not.
answers() {
	for _ in $(seq 500); do
		curl -sf "http://127.0.0.1:$1/" >/dev/null 2>&1 && return
		sleep 0.02
	done
	echo "bench: nothing answers GET / on port $1" >&2
	exit 1
}
