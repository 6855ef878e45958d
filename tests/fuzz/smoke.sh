#!/bin/sh
# make fuzz-smoke: run every libFuzzer target in BUILD/bin for SECONDS each,
# starting from its seed corpus (tests/fuzz/corpus/NAME) and its kept
# crashers (tests/fuzz/regressions/NAME). New inputs go to BUILD/found/NAME,
# never into the tree; a crash, leak, timeout or sanitizer report is kept
# as BUILD/crashes/NAME-* and fails the run; the log then shows the input
# (its first 8 KiB, base64), so that a failure in CI can be replayed.
# Usage: tests/fuzz/smoke.sh BUILD SECONDS   (from the top of the tree)
# Ends with "fuzz: N passed, N failed".
build=${1:?usage: tests/fuzz/smoke.sh BUILD SECONDS}
seconds=${2:-15}
HASHPIVOT_DATA_DIR=$(pwd)/data
export HASHPIVOT_DATA_DIR
passed=0
failed=0
mkdir -p "$build/found" "$build/crashes" "$build/logs"
for bin in "$build"/bin/fuzz_*; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin")
	mkdir -p "$build/found/$name"
	set -- "$build/found/$name" "tests/fuzz/corpus/$name"
	[ -d "tests/fuzz/regressions/$name" ] && set -- "$@" "tests/fuzz/regressions/$name"
	dict=""
	[ -f "tests/fuzz/$name.dict" ] && dict="-dict=tests/fuzz/$name.dict"
	# shellcheck disable=SC2086 # $dict is one word or none
	"$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$build/crashes/$name-" $dict "$@" >"$build/logs/$name.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/logs/$name.log")
	cov=$(grep -o 'cov: [0-9]*' "$build/logs/$name.log" | tail -n 1)
	if [ "$rc" -eq 0 ]; then
		passed=$((passed + 1))
		printf '%-28s %ss, %s runs, %s\n' "$name" "$seconds" "${runs:-?}" "${cov:-cov: ?}"
	else
		failed=$((failed + 1))
		echo "FAIL $name (exit $rc): the input is in $build/crashes/, the log in $build/logs/$name.log"
		grep -E 'ERROR|invariant|SUMMARY' "$build/logs/$name.log" | head -n 5 | sed 's/^/  /'
		# the input itself, for a log that outlives the machine (CI's)
		for crash in "$build/crashes/$name"-*; do
			[ -f "$crash" ] || continue
			printf '  %s, %s bytes, base64: ' "$(basename "$crash")" "$(wc -c <"$crash")"
			head -c 8192 "$crash" | base64 -w 0
			echo
		done
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
