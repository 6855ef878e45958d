#!/bin/sh
# Monte Carlo results must not depend on the number of threads: each
# example scenario's `pivot --json` and `treasury --json`, and the CSV files
# of --csv, byte for byte with --threads 1 and --threads 2 (and 3); and
# `simulate` (daily and block-level) with 1, 2 and 3 threads and, where
# hashpivot-mpi was built beside the binary, with `mpirun -np 2`.
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
sim="--paths 120 --years 1 --json"
for mode in daily block; do
	extra=""
	[ $mode = block ] && extra="--block-level --rule asert"
	for t in 1 2 3; do
		# shellcheck disable=SC2086
		"$bin" simulate $sim $extra --threads $t --out "$tmp/sim$t-$mode" \
			>"$tmp/sim$t-$mode.json" 2>"$tmp/err" || cat "$tmp/err"
	done
	check "simulate $mode, 1 vs 2 threads" "$tmp/sim1-$mode.json" "$tmp/sim2-$mode.json"
	check "simulate $mode, 1 vs 3 threads" "$tmp/sim1-$mode.json" "$tmp/sim3-$mode.json"
	check "simulate $mode daily.csv" "$tmp/sim1-$mode/daily.csv" "$tmp/sim2-$mode/daily.csv"
done
mpi="$(dirname "$bin")/hashpivot-mpi"
if [ -x "$mpi" ] && command -v mpirun >/dev/null 2>&1; then
	# as root Open MPI wants to be told; --oversubscribe for one-core machines
	OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
		mpirun --oversubscribe -np 2 "$mpi" simulate $sim --threads 1 --out "$tmp/mpi-daily" \
		>"$tmp/mpi-daily.json" 2>"$tmp/err" || cat "$tmp/err"
	check "simulate daily, threads vs mpirun -np 2" "$tmp/sim1-daily.json" "$tmp/mpi-daily.json"
	check "simulate daily.csv, threads vs mpirun -np 2" "$tmp/sim1-daily/daily.csv" \
		"$tmp/mpi-daily/daily.csv"
	check "simulate cohorts.csv, threads vs mpirun -np 2" "$tmp/sim1-daily/cohorts.csv" \
		"$tmp/mpi-daily/cohorts.csv"
else
	echo "skip: hashpivot-mpi or mpirun not found (the sanitized build has no MPI binary)"
fi
echo "determinism: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
