#!/bin/sh
# make check: replay every fuzz target (built with tests/fuzz/replay.c by the
# ordinary compiler, next to the hashpivot binary given) over its seed
# corpus and its kept crashers. Each target counts as one test; any crash,
# abort or sanitizer report fails it.
# Usage: tests/fuzz/run.sh path/to/hashpivot   (from the top of the tree)
bin=${1:?usage: tests/fuzz/run.sh path/to/hashpivot}
dir=$(dirname "$bin")/fuzz-replay
passed=0
failed=0
for t in "$dir"/fuzz_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	if log=$("$t" "tests/fuzz/corpus/$name" "tests/fuzz/regressions/$name" 2>&1); then
		passed=$((passed + 1))
		echo "  $(printf '%s\n' "$log" | tail -n 1 | sed "s|^.*/||")"
	else
		failed=$((failed + 1))
		echo "FAIL $name"
		printf '%s\n' "$log" | tail -n 20 | sed 's/^/  /'
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
