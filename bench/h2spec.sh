#!/usr/bin/env bash
# HTTP/2 conformance of poolctl run's https front end with h2spec
# (github.com/summerwind/h2spec, built here from the Go module proxy), against a
# poolctl run serving the test worker over TLS. Prints h2spec's summary and its
# failures, and exits 1 unless the failures are exactly the known exceptions, which
# are net/http's HTTP/2 server's own choices (poolctl does its framing with it):
#
#   http2/6.5.3/1        SETTINGS holding one setting twice: net/http refuses the frame
#                        as a PROTOCOL_ERROR (a denial-of-service guard; RFC 9113 does
#                        not forbid duplicates, h2spec expects them applied in order)
#   http2/8.1.2.2/1, /2  a request with a connection-specific field, or TE other than
#                        "trailers": net/http answers 400 Bad Request and ends the
#                        stream (RFC 9113 §8.1.1: "a server MAY send an HTTP response
#                        prior to closing or resetting the stream"); h2spec expects
#                        the reset first. The request never reaches a worker either way.
#
#   bash bench/h2spec.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
need openssl openssl

out=$PWD/bench/out/h2spec
rm -rf "$out"
mkdir -p "$out/certs"
go build -o "$out/poolctl" ./cmd/poolctl
GOBIN="$out" go install github.com/summerwind/h2spec/cmd/h2spec@v2.2.1+incompatible
port=18443

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$out/tls.key" -out "$out/tls.crt" 2>/dev/null
cat "$out/tls.crt" "$out/tls.key" >"$out/certs/127.0.0.1!$port.pem"
chmod 600 "$out/certs/127.0.0.1!$port.pem"
cat >"$out/applicationHost.config" <<XML
<configuration>
    <system.applicationHost>
        <applicationPools>
            <add name="H2" startMode="AlwaysRunning"><processModel identityType="LocalSystem" /></add>
        </applicationPools>
        <sites>
            <site name="H2" id="1">
                <application path="/" applicationPool="H2"><virtualDirectory path="/" physicalPath="$out" /></application>
                <bindings><binding protocol="https" bindingInformation="127.0.0.1:$port:" sslFlags="0" /></bindings>
            </site>
        </sites>
    </system.applicationHost>
    <location path="">
        <system.webServer><aspNetCore processPath="$out/poolctl" arguments="__testworker" /></system.webServer>
    </location>
</configuration>
XML
"$out/poolctl" run -c "$out/applicationHost.config" --admin "$out/admin.sock" --certs "$out/certs" >"$out/run.out" 2>"$out/run.log" &
run=$!
trap 'stop_run $run || true' EXIT
await_listen "$out/run.out" "$port" "$run"

"$out/h2spec" -h 127.0.0.1 -p "$port" -t -k -o 5 -j "$out/h2spec.xml" >"$out/h2spec.txt" 2>&1 || true
tail -n 1 "$out/h2spec.txt"
sed -n '/^Failures:/,/^Finished/p' "$out/h2spec.txt" | grep -E '^\s+(×|[0-9.]+\. )' || true
# The failed test cases, as "section/number", against the known exceptions.
failed=$(awk '/^Failures:/ { f = 1 } f && /^ +[0-9]+(\.[0-9]+)*\. / { sec = $1 } f && /×/ { n = $2; sub(":", "", n); sub(/\.$/, "", sec); print sec "/" n }' "$out/h2spec.txt" | sort -u | tr '\n' ' ')
known="6.5.3/1 8.1.2.2/1 8.1.2.2/2 "
echo "failed: ${failed:-none}"
if [ "$failed" != "$known" ]; then
	echo "h2spec: failures other than the known exceptions ($known)" >&2
	exit 1
fi
echo "h2spec: only the known exceptions of net/http's HTTP/2 server fail"
