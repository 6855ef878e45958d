#!/bin/sh
# Run every test of hashpivot and print one summary line the CI can read:
#   "check: N passed, N failed"
# Usage: tests/run.sh BUILD_DIR   (build or build/san; run from the top of the tree)
# Each unit binary counts as one test per cmocka case; each CLI golden case
# (tests/cli/*.test, run by tests/cli/run.sh) counts as one, and so does each
# file of the bad-input catalogue (tests/bad/run.sh) and each check of the
# browser tests (tests/browser/run.sh).
out=${1:-build}
# The commands find the shipped data here whichever build directory they run from.
HASHPIVOT_DATA_DIR=$(pwd)/data
export HASHPIVOT_DATA_DIR
passed=0
failed=0
failures=""

for t in "$out"/tests/test_*; do
	[ -x "$t" ] || continue
	log=$("$t" 2>&1)
	rc=$?
	p=$(printf '%s\n' "$log" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
	f=$(printf '%s\n' "$log" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # crashed or failed outside a case
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -ne 0 ]; then
		failures="$failures $(basename "$t")"
		printf '%s\n' "$log"
	fi
	printf '%-28s %s passed, %s failed\n' "$(basename "$t")" "$p" "$f"
	# figures a test reports whether it passes or not (the allocation-
	# failure walk's counts of failure points)
	[ "$f" -eq 0 ] && printf '%s\n' "$log" | grep '^allocwalk: ' | sed 's/^/  /'
done

# Run a script that ends with "<tag>: N passed, N failed"; show its other
# lines and add its counts (a script that fails without saying counts as one
# failure).
run_suite() { # tag label script
	log=$(sh "$3" "$out/hashpivot")
	rc=$?
	printf '%s\n' "$log" | grep -v "^$1: [0-9]* passed"
	p=$(printf '%s\n' "$log" | sed -n "s/^$1: \([0-9]*\) passed, \([0-9]*\) failed\$/\1/p")
	f=$(printf '%s\n' "$log" | sed -n "s/^$1: \([0-9]*\) passed, \([0-9]*\) failed\$/\2/p")
	p=${p:-0}
	f=${f:-1}
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	printf '%-28s %s passed, %s failed\n' "$2" "$p" "$f"
	passed=$((passed + p))
	failed=$((failed + f))
	[ "$f" -ne 0 ] && failures="$failures $1"
}

run_suite cli "cli golden" tests/cli/run.sh
run_suite bad "bad inputs" tests/bad/run.sh
run_suite fuzz "fuzz corpora, replayed" tests/fuzz/run.sh
run_suite chainuse "chain database (golden)" tests/chainuse.sh
run_suite determinism "threads, byte for byte" tests/determinism.sh
# Extreme but valid inputs: finite, sensible results or a clear error.
run_suite extremes "extreme inputs" tests/extremes.sh
run_suite progress "progress bars" tests/progress.sh
run_suite api "server API" tests/server/api.sh
run_suite load "server load" tests/server/load.sh
# The page in headless Chromium against `hashpivot serve` (skipped, saying
# so, where chromium is absent; screenshots in $out/test-out).
run_suite browser "browser (chromium)" tests/browser/run.sh
run_suite report "html reports" tests/report/run.sh
# The chain test server and fixtures, then `hashpivot sync` against them.
run_suite chainsrv "chain test server" tests/chainsrv/run.sh
run_suite sync "sync end to end" tests/sync/run.sh
run_suite crash "sync, kill -9 and resume" tests/sync/crash.sh
# Output files whole or not at all: failed writes, kill -9, unwritable paths.
run_suite outputs "output files" tests/outputs.sh

# The install test only for the plain build (a sanitized binary needs its runtime).
if [ "$out" = build ]; then
	inst=$(sh tests/install-test.sh)
	printf '%s\n' "$inst" | grep -v '^install: '
	if printf '%s\n' "$inst" | grep -q '^install: 1 passed'; then
		passed=$((passed + 1))
		printf '%-28s 1 passed, 0 failed\n' "install"
	else
		failed=$((failed + 1))
		failures="$failures install"
		printf '%-28s 0 passed, 1 failed\n' "install"
	fi
fi

[ -n "$failures" ] && echo "failing:$failures"
echo "check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
