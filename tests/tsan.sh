#!/bin/sh
# The threaded Monte Carlo under ThreadSanitizer (make tsan-check): the unit
# tests that run threads (industry, pivot, treasury, stats merges), the
# threaded commands on small scenarios, and the server's API tests (jobs
# running two at a time). Any report from TSan fails the run.
# Usage: tests/tsan.sh build/tsan   (from the top of the tree)
# Prints each failure, then "tsan: N passed, N failed".
out=${1:?usage: tests/tsan.sh BUILD_DIR}
bin=$out/hashpivot
HASHPIVOT_DATA_DIR=$(pwd)/data
export HASHPIVOT_DATA_DIR
passed=0
failed=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# Every report goes to its own file $tmp/tsan/r.<pid>, so that a report
# from a server or a child is seen whatever its stderr was sent to.
mkdir "$tmp/tsan"
TSAN_OPTIONS="log_path=$tmp/tsan/r second_deadlock_stack=1 history_size=4"
export TSAN_OPTIONS

# TSan maps its shadow memory at fixed addresses; with more than 28 bits of
# mmap randomisation (vm.mmap_rnd_bits, raised by some kernels) a binary can
# die at start with "unexpected memory mapping". Find out once, on the
# smallest command, and run everything under `setarch -R` (no randomisation)
# when that happens.
wrap=
"$bin" subsidy --height 840000 >/dev/null 2>"$tmp/probe" ||
	if grep -q 'unexpected memory mapping' "$tmp/probe" "$tmp"/tsan/r.* 2>/dev/null; then
		echo "tsan: address randomisation too wide for TSan here; running under setarch -R"
		wrap="setarch $(uname -m) -R"
		rm -f "$tmp"/tsan/r.*
	fi

# run LABEL COMMAND...: passes when the command exits 0 and TSan said nothing
run() {
	label=$1
	shift
	rm -f "$tmp"/tsan/r.*
	# shellcheck disable=SC2086
	$wrap "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -eq 0 ] && ! ls "$tmp"/tsan/r.* >/dev/null 2>&1; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL tsan: $label (exit $rc)"
		tail -n 20 "$tmp/out" "$tmp/err" | sed 's/^/  /'
		cat "$tmp"/tsan/r.* 2>/dev/null | head -n 60 | sed 's/^/  /'
	fi
}

for t in test_industry test_pivot test_treasury test_stats; do
	run "$t" "$out/tests/$t"
done
sim=tests/data/simulate/flat.json
piv=tests/data/pivot/flat.json
for n in 2 3; do
	run "simulate --threads $n" "$bin" simulate --scenario $sim --threads $n --json
	run "simulate --threads $n --out" "$bin" simulate --scenario $sim --threads $n \
		--out "$tmp/sim$n"
done
run "simulate block mode --threads 2" "$bin" simulate --paths 4 --years 0.05 --block-level \
	--threads 2 --json
run "pivot --threads 2" "$bin" pivot --scenario $piv --paths 40 --threads 2 --json
run "pivot --threads 3 --csv" "$bin" pivot --scenario $piv --paths 30 --threads 3 \
	--csv "$tmp/csv"
run "treasury --threads 2" "$bin" treasury --scenario $piv --paths 20 --threads 2 --json
# The server: HTTP threads and two jobs at a time (tests/server/api.sh).
run "serve, the API tests" sh tests/server/api.sh "$bin"

echo "tsan: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
