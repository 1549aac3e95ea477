#!/usr/bin/env bash
# Chaos part "writes" (issue 14, items 1-4): poolctl set killed with SIGKILL at random
# moments, and concurrent writers naming one file through different links.
# Rows on stdout: probe <TAB> figure <TAB> verdict. See bench/chaos.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh
OUT=${OUT:-$PWD/bench/out/chaos}
mkdir -p "$OUT"
POOLCTL=${POOLCTL:-$OUT/poolctl}
[ -x "$POOLCTL" ] || go build -o "$POOLCTL" ./cmd/poolctl
KILLS=${KILLS:-100}
ROUNDS=${ROUNDS:-5}
WRITERS=${WRITERS:-16}

dir=$OUT/writes
rm -rf "$dir"
mkdir -p "$dir"
src=$(synthetic 2000 2000)

# kill -9 during set: a private (0600) file with a clear-text password is switched
# between two versions; after each kill it must hold one of them, and no temporary
# file may be wider than 0600.
f=$dir/app.config
cp "$src" "$f"
chmod 600 "$f"
"$POOLCTL" --for iis set -c "$f" --force Pool00001 processModel.identityType=SpecificUser processModel.userName=svc processModel.password=Secr3t >/dev/null
"$POOLCTL" --for iis set -c "$f" Pool00000 queueLength=1001 >/dev/null
cp "$f" "$dir/a"
"$POOLCTL" --for iis set -c "$f" Pool00000 queueLength=1002 >/dev/null
cp "$f" "$dir/b"
start=$(date +%s%N)
"$POOLCTL" --for iis set -c "$f" Pool00000 queueLength=1001 >/dev/null
per=$(( ($(date +%s%N) - start) / 1000000 ))
echo "one set: ${per} ms" >&2
good=0 torn=0 left=0 wide=0 completed=0
for i in $(seq "$KILLS"); do
	v=$((1001 + i % 2))
	"$POOLCTL" --for iis set -c "$f" Pool00000 "queueLength=$v" >/dev/null 2>&1 &
	pid=$!
	sleep "$(awk -v r="$RANDOM" -v p="$per" 'BEGIN { printf "%.3f", r / 32767 * p * 1.2 / 1000 }')"
	kill -9 "$pid" 2>/dev/null || completed=$((completed + 1))
	wait "$pid" 2>/dev/null || true
	if cmp -s "$f" "$dir/a" || cmp -s "$f" "$dir/b"; then good=$((good + 1)); else torn=$((torn + 1)); fi
	for t in "$dir"/.app.config.tmp-* "$dir"/app.config.history/.app.config.tmp-*; do
		[ -e "$t" ] || continue
		left=$((left + 1))
		[ "$(stat -c %a "$t")" = 600 ] || wide=$((wide + 1))
	done
done
"$POOLCTL" --for iis set -c "$f" Pool00000 queueLength=1003 >/dev/null
after=$(find "$dir" -name '.app.config.tmp-*' | wc -l)
verdict=ok
[ "$torn" -eq 0 ] && [ "$wide" -eq 0 ] && [ "$after" -eq 0 ] || verdict=FAIL
printf 'kill -9 during set x%d\t%d old-or-new, %d torn; %d temp files left by kills (%d wider than 0600), %d after the next set\t%s\n' \
	"$KILLS" "$good" "$torn" "$left" "$wide" "$after" "$verdict"
echo "($completed of $KILLS sets finished before the kill)" >&2

# Mixed-path concurrent writers: WRITERS processes at once, half through a link, each
# on its own pool; a writer that exits 0 must find its change in the file.
ln -sf app.config "$dir/link.config"
lost=0 failed=0 total=0
for r in $(seq "$ROUNDS"); do
	pids=()
	for w in $(seq "$WRITERS"); do
		name=app.config
		[ $((w % 2)) -eq 0 ] && name=link.config
		pool=$(printf 'Pool%05d' "$((w + 10))")
		"$POOLCTL" --for iis set -c "$dir/$name" "$pool" "queueLength=$((2000 + r * 100 + w))" >/dev/null 2>"$dir/w$w.err" &
		pids+=($!)
	done
	for w in $(seq "$WRITERS"); do
		total=$((total + 1))
		if wait "${pids[$((w - 1))]}"; then
			pool=$(printf 'Pool%05d' "$((w + 10))")
			grep -q "name=\"$pool\" [^>]*queueLength=\"$((2000 + r * 100 + w))\"" "$f" || lost=$((lost + 1))
		else
			failed=$((failed + 1))
			cat "$dir/w$w.err" >&2
		fi
	done
done
verdict=ok
[ "$lost" -eq 0 ] && [ "$failed" -eq 0 ] || verdict=FAIL
printf 'mixed-path writers (%d, half via a link) x%d rounds\t%d of %d writes lost, %d writers failed\t%s\n' \
	"$WRITERS" "$ROUNDS" "$lost" "$total" "$failed" "$verdict"
