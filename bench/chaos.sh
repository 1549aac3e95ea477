#!/usr/bin/env bash
# The hardening probe of issue 14, repeated: runs every part script under
# bench/chaos/ (writes, reads, application directories, shim kills, front end) against
# one freshly built poolctl and prints one table of what each probe found.
#
# Each part script prints result rows on stdout, tab-separated:
#   probe <TAB> figure <TAB> verdict     (verdict: ok or FAIL)
# and its progress on stderr, which goes to bench/out/chaos/NAME.log here.
#
#   bash bench/chaos.sh            all parts
#   bash bench/chaos.sh writes     only bench/chaos/writes.sh
#
# It is kept out of make test (it kills processes, fills memory limits and takes
# minutes); `make chaos` runs it. Exit status 1 when any probe says FAIL.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

export OUT=$PWD/bench/out/chaos
mkdir -p "$OUT"
export POOLCTL=$OUT/poolctl
go build -o "$POOLCTL" ./cmd/poolctl

parts=("$@")
if [ ${#parts[@]} -eq 0 ]; then
	for f in bench/chaos/*.sh; do parts+=("$(basename "$f" .sh)"); done
fi

rows=$OUT/rows.tsv
: >"$rows"
for part in "${parts[@]}"; do
	echo "chaos: $part (log: $OUT/$part.log)" >&2
	if ! bash "bench/chaos/$part.sh" 2>"$OUT/$part.log" | sed "s/^/$part\t/" >>"$rows"; then
		printf '%s\t%s\t%s\t%s\n' "$part" "part script" "exited non-zero; see $OUT/$part.log" FAIL >>"$rows"
	fi
done

awk -F'\t' '
	{ w1 = length($1) > w1 ? length($1) : w1; w2 = length($2) > w2 ? length($2) : w2; w3 = length($3) > w3 ? length($3) : w3; r[NR] = $0 }
	END {
		printf "| %-*s | %-*s | %-*s | %s |\n", w1, "part", w2, "probe", w3, "figure", "verdict"
		printf "|-%s-|-%s-|-%s-|---------|\n", dashes(w1), dashes(w2), dashes(w3)
		for (i = 1; i <= NR; i++) { split(r[i], f, "\t"); printf "| %-*s | %-*s | %-*s | %s |\n", w1, f[1], w2, f[2], w3, f[3], f[4] }
	}
	function dashes(n,   s) { s = ""; while (n-- > 0) s = s "-"; return s }
' "$rows"
! grep -q $'\tFAIL$' "$rows"
