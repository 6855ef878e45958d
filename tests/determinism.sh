#!/bin/sh
# Monte Carlo results must not depend on the number of threads: each
# example scenario's `pivot --json` and `treasury --json`, and the CSV files
# of --csv, byte for byte with --threads 1 and --threads 2 (and 3).
# Usage: tests/determinism.sh path/to/hashpivot   (from the top of the tree)
bin=${1:?usage: tests/determinism.sh path/to/hashpivot}
passed=0
failed=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

check() { # label file1 file2
	if [ -s "$2" ] && cmp -s "$2" "$3"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL $1: $2 and $3 differ (or are empty)"
	fi
}

for f in examples/*-like.json; do
	name=$(basename "$f" .json)
	for t in 1 2 3; do
		"$bin" pivot --scenario "$f" --paths 150 --threads $t --json --csv "$tmp/csv$t-$name" \
			>"$tmp/pivot$t-$name.json" 2>"$tmp/err" || cat "$tmp/err"
	done
	check "pivot $name, 1 vs 2 threads" "$tmp/pivot1-$name.json" "$tmp/pivot2-$name.json"
	check "pivot $name, 1 vs 3 threads" "$tmp/pivot1-$name.json" "$tmp/pivot3-$name.json"
	check "pivot $name series CSV" "$tmp/csv1-$name/pivot_series.csv" "$tmp/csv2-$name/pivot_series.csv"
	for t in 1 2; do
		"$bin" treasury --scenario "$f" --paths 100 --threads $t --json \
			>"$tmp/treasury$t-$name.json" 2>"$tmp/err" || cat "$tmp/err"
	done
	check "treasury $name, 1 vs 2 threads" "$tmp/treasury1-$name.json" "$tmp/treasury2-$name.json"
done
echo "determinism: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
