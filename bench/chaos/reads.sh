#!/usr/bin/env bash
# Chaos part "reads" of issue 14 (item 5, endless input): feeds poolctl endless, special
# and huge inputs and prints one row per probe: exit code, peak RSS, wall time, verdict.
# A probe is ok when poolctl exits 2 (could not run) or 1 (findings) within 10 s and
# with a peak RSS under its bound: the 256 MiB input limit plus room for endless input,
# 3x the file for a 50 MB attribute.
#
#   POOLCTL=path/to/poolctl OUT=scratch-dir bash bench/chaos/reads.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
need /usr/bin/time time

OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
if [ -z "${POOLCTL:-}" ]; then
	POOLCTL=$OUT/poolctl
	echo "building $POOLCTL" >&2
	go build -o "$POOLCTL" ./cmd/poolctl
fi
work=$OUT/reads
rm -rf "$work" && mkdir -p "$work"
cat >"$work/app.config" <<'XML'
<configuration>
  <system.applicationHost>
    <applicationPools>
      <add name="Shop" />
    </applicationPools>
  </system.applicationHost>
</configuration>
XML
mkfifo "$work/fifo.config"
echo "writing a 50 MB attribute file" >&2
big=$work/big.config
{
	printf '<configuration><system.applicationHost><applicationPools><add name="p" managedPipelineMode="'
	head -c 52428800 /dev/zero | tr '\0' a
	printf '"/></applicationPools></system.applicationHost></configuration>\n'
} >"$big"
bigkb=$(($(stat -c %s "$big") / 1024))

# probe NAME MAXKB STDIN CMD...: runs CMD under `timeout 60` with STDIN as standard
# input and prints its row.
probe() {
	local name=$1 maxkb=$2 in=$3
	shift 3
	local start end rc rss ms verdict
	start=$(date +%s%N)
	# time passes the command's exit status on; timeout exits 124 when it kills.
	timeout 60 /usr/bin/time -f '%M' "$@" <"$in" >/dev/null 2>"$work/err"
	rc=$?
	rss=$(tail -n 1 "$work/err" | grep -x '[0-9]*' || echo 0)
	end=$(date +%s%N)
	ms=$(((end - start) / 1000000))
	verdict=ok
	if [ "$rc" != 1 ] && [ "$rc" != 2 ] || [ "$ms" -gt 10000 ] || [ "${rss:-0}" -gt "$maxkb" ]; then
		verdict=FAIL
	fi
	echo "$(grep -m1 '^poolctl:' "$work/err" | cut -c1-160)" >&2
	if [ "$rc" = 124 ]; then
		rc="124 (killed by timeout 60)"
	fi
	printf '%s\texit %s, %s MB peak RSS, %s ms\t%s\n' "$name" "$rc" "$((rss / 1024))" "$ms" "$verdict"
}

limitkb=$((300 * 1024)) # the 256 MiB limit and the program
probe "lint - </dev/zero" $limitkb /dev/zero "$POOLCTL" lint -
probe "lint /dev/zero" $limitkb /dev/null "$POOLCTL" lint /dev/zero
probe "convert - </dev/zero" $limitkb /dev/zero "$POOLCTL" convert -
probe "apply - </dev/zero" $limitkb /dev/zero "$POOLCTL" apply -c "$work/app.config" -
probe "lint -c FIFO" $limitkb /dev/null "$POOLCTL" lint -c "$work/fifo.config"
probe "set -c FIFO" $limitkb /dev/null "$POOLCTL" set -c "$work/fifo.config" Shop queueLength=3000
probe "lint of a 50 MB attribute ($((bigkb / 1024)) MB file)" $((3 * bigkb)) /dev/null "$POOLCTL" lint "$big"
probe "lint - <50 MB attribute" $((4 * bigkb)) "$big" "$POOLCTL" lint -
