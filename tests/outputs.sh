#!/bin/sh
# Output safety (docs/cli.md, "Output files"): every file hashpivot writes is
# written under a temporary name (DIR/.NAME.tmp-XXXXXX) and renamed, and a
# new chain database appears whole. For each writer:
#   1. a write that fails midway (the file size limit, `ulimit -f`, with
#      SIGXFSZ ignored, so write() fails with EFBIG) exits non-zero with one
#      line on stderr and nothing on stdout, leaves the previous files byte
#      for byte and no temporary file behind;
#   2. kill -9 while the files are being written (seen by their temporary
#      names) leaves the previous files byte for byte, and what is left
#      behind is named .NAME.tmp-XXXXXX;
#   3. a directory that cannot be written is exit 2 with one line naming
#      the option and the path.
# Usage: tests/outputs.sh path/to/hashpivot   (from the top of the tree)
# Prints each failure, then "outputs: N passed, N failed".
# The command lines are split on blanks on purpose, and every name listed
# with ls is one this script made:
# shellcheck disable=SC2086,SC2010
bin=${1:?usage: tests/outputs.sh path/to/hashpivot}
passed=0
failed=0
tmp=$(mktemp -d) || exit 1
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
# The limit in ulimit's blocks (512 bytes in dash, 1 KiB in bash): below
# the size of every file the writers below write in full.
limit=8

ok() { passed=$((passed + 1)); }
bad() {
	failed=$((failed + 1))
	echo "FAIL outputs: $*"
}

# prepare DIR FILE...: DIR holds an old version of each FILE (kept in
# DIR.orig to compare against)
prepare() {
	d=$1
	shift
	rm -rf "$d" "$d.orig"
	mkdir -p "$d" "$d.orig"
	for f in "$@"; do
		printf 'an old %s, to be kept whole\n' "$f" >"$d/$f"
		cp "$d/$f" "$d.orig/$f"
	done
}

# intact LABEL DIR FILE...: each FILE as it was
intact() {
	label=$1
	d=$2
	shift 2
	for f in "$@"; do
		if ! cmp -s "$d/$f" "$d.orig/$f"; then
			bad "$label: $f was changed or removed"
			return
		fi
	done
	ok
}

# no_temp LABEL DIR: no temporary file left in DIR
no_temp() {
	if ls -A "$2" | grep -q '\.tmp-'; then
		bad "$1: temporary files left: $(ls -A "$2" | grep '\.tmp-' | tr '\n' ' ')"
	else
		ok
	fi
}

# one_line LABEL RC PREFIX: the last run failed (exit RC, or any non-zero
# status when RC is "nonzero") with exactly one line on stderr starting
# PREFIX and nothing on stdout
one_line() {
	if { [ "$2" = nonzero ] && [ "$rc" -ne 0 ]; } || [ "$rc" = "$2" ]; then
		:
	else
		bad "$1: exit $rc, expected $2"
		return
	fi
	if [ "$(wc -l <"$tmp/err")" -ne 1 ] || ! head -n 1 "$tmp/err" | grep -q "^$3"; then
		bad "$1: stderr is not one line starting '$3':"
		sed 's/^/  /' "$tmp/err"
	elif [ -s "$tmp/out" ]; then
		bad "$1: something on stdout"
	else
		ok
	fi
}

# limited ARGS...: run hashpivot with the file size limit
limited() {
	(
		ulimit -f $limit
		trap '' XFSZ
		exec "$bin" "$@"
	) >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# --- the writers: a name, the files in DIR, the command (DIR for the
# directory, or FILE for --report's file) -----------------------------
sim="simulate --scenario tests/data/simulate/flat.json --threads 1"
piv="--scenario tests/data/pivot/flat.json --paths 8"
bt="backtest --scenario examples/small-miner.json --from 2024-01-01 --to 2024-06-30"

# files_of FILES -- ARGS: $files, the FILES (space-separated), and $nfiles
files_of() {
	files=
	nfiles=0
	while [ "$1" != -- ]; do
		files="$files $1"
		nfiles=$((nfiles + 1))
		shift
	done
}

# writer NAME PREFIX FILES -- ARGS (with @D@ for the directory)
writer() {
	name=$1
	prefix=$2
	shift 2
	files_of "$@"
	shift $((nfiles + 1))
	d=$tmp/$(echo "$name" | tr -c 'a-z0-9\n' '_')
	prepare "$d" $files
	args=$(printf '%s\n' "$*" | sed "s|@D@|$d|g")
	# 1. a write that fails midway
	limited $args
	one_line "$name, write fails midway" nonzero "$prefix"
	intact "$name, write fails midway" "$d" $files
	no_temp "$name, write fails midway" "$d"
	# 3. a directory that cannot be written
	args=$(printf '%s\n' "$*" | sed "s|@D@|/proc/hashpivot-no|g")
	"$bin" $args >"$tmp/out" 2>"$tmp/err"
	rc=$?
	opt=$(printf '%s\n' "$prefix" | sed 's/^\(hashpivot [a-z]*: [-a-z]*\): .*/\1/')
	one_line "$name, a directory that cannot be made" 2 \
		"$opt: cannot create directory /proc/hashpivot-no: "
	args=$(printf '%s\n' "$*" | sed "s|@D@|README.md/sub|g")
	"$bin" $args >"$tmp/out" 2>"$tmp/err"
	rc=$?
	one_line "$name, a file where the directory should be" 2 "$opt: .*README.md"
	if [ "$(id -u)" -ne 0 ]; then
		# root writes anywhere: this one only for other users
		mkdir -p "$tmp/ro"
		chmod 555 "$tmp/ro"
		args=$(printf '%s\n' "$*" | sed "s|@D@|$tmp/ro|g")
			"$bin" $args >"$tmp/out" 2>"$tmp/err"
		rc=$?
		one_line "$name, a directory without write permission" 2 "$opt: cannot write $tmp/ro/"
		chmod 755 "$tmp/ro"
	fi
}

writer "simulate --out" "hashpivot simulate: --out: cannot write " \
	summary.json daily.csv cohorts.csv -- $sim --out @D@
writer "simulate --trace" "hashpivot simulate: --out: cannot write " \
	summary.json daily.csv cohorts.csv trace.csv retargets.csv -- $sim --out @D@ --trace 1
writer "pivot --csv" "hashpivot pivot: --csv: cannot write " \
	pivot_series.csv pivot_strategies.csv -- pivot $piv --csv @D@
writer "treasury --csv" "hashpivot treasury: --csv: cannot write " \
	treasury_series.csv treasury_strategies.csv -- treasury $piv --csv @D@
writer "backtest --csv" "hashpivot backtest: --csv: cannot write " \
	backtest_daily.csv -- $bt --csv @D@
writer "fleet --report" "hashpivot fleet: --report: cannot write " \
	r.html -- fleet --scenario examples/listed-miner.json --report @D@/r.html
writer "simulate --report" "hashpivot simulate: --report: cannot write " \
	r.html -- $sim --report @D@/r.html

# --- 2. kill -9 while writing -----------------------------------------
# simulate over ten years writes megabytes (daily.csv), so its temporary
# files are there long enough to be seen; killed the moment one is.
kill_writing() { # LABEL DIR FILES -- ARGS
	label=$1
	d=$2
	shift 2
	files_of "$@"
	shift $((nfiles + 1))
	prepare "$d" $files
	"$bin" "$@" >/dev/null 2>&1 &
	pid=$!
	seen=0
	while kill -0 "$pid" 2>/dev/null; do
		if ls -A "$d" | grep -q '\.tmp-'; then
			kill -9 "$pid"
			seen=1
			break
		fi
		sleep 0.005
	done
	wait "$pid" 2>/dev/null
	pid=
	if [ $seen = 0 ]; then
		bad "$label: finished before its temporary files were seen (make it longer)"
		return
	fi
	intact "$label, killed while writing" "$d" $files
	left=$(ls -A "$d" | grep '\.tmp-' | grep -cv '^\.[a-z_.]*\.tmp-[0-9a-z]\{6\}$')
	if [ "$left" -eq 0 ]; then ok; else bad "$label: a left file not named .NAME.tmp-XXXXXX"; fi
}
kill_writing "simulate --out" "$tmp/kill" summary.json daily.csv cohorts.csv -- \
	simulate --scenario tests/data/simulate/flat.json --threads 1 --years 10 --paths 4 \
	--out "$tmp/kill"

# --- the chain database ------------------------------------------------
# A new database fails midway: no database, no temporary file.
mkdir -p "$tmp/db"
limited prices import data/btc_usd_daily.csv --db "$tmp/db/new.sqlite"
one_line "prices import, a new database fails midway" nonzero \
	"hashpivot prices: --db: $tmp/db/new.sqlite: cannot create: "
if [ -e "$tmp/db/new.sqlite" ]; then bad "a failed new database was left"; else ok; fi
no_temp "prices import, a new database fails midway" "$tmp/db"
# An existing one: the failed import changes nothing (SQLite's transaction).
"$bin" prices import tests/data/prices/coingecko-2026-02.csv --db "$tmp/db/old.sqlite" >/dev/null
cp "$tmp/db/old.sqlite" "$tmp/old.sqlite"
(
	ulimit -f 64 # room for the WAL index, not for 5,411 days
	trap '' XFSZ
	exec "$bin" prices import data/btc_usd_daily.csv --db "$tmp/db/old.sqlite"
) >"$tmp/out" 2>"$tmp/err"
rc=$?
one_line "prices import into a database, fails midway" nonzero "hashpivot prices: "
if cmp -s "$tmp/db/old.sqlite" "$tmp/old.sqlite" &&
	"$bin" prices --db "$tmp/db/old.sqlite" --json | grep -q '"days": 3'; then
	ok
else
	bad "prices import, fails midway: the database changed"
fi
# kill -9 at ten moments of a first import: no database or a valid one
for ms in 0 2 4 6 8 10 15 20 30 50; do
	rm -rf "$tmp/k"
	mkdir "$tmp/k"
	"$bin" prices import data/btc_usd_daily.csv --db "$tmp/k/c.sqlite" >/dev/null 2>&1 &
	pid=$!
	sleep "$(printf '0.%03d' "$ms")"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=
	if [ ! -e "$tmp/k/c.sqlite" ] || "$bin" prices --db "$tmp/k/c.sqlite" >/dev/null 2>&1; then
		ok
	else
		bad "prices import killed after $ms ms: $tmp/k/c.sqlite is there but not readable"
	fi
done
# a directory that cannot be made
"$bin" prices import data/btc_usd_daily.csv --db /proc/hashpivot-no/c.sqlite >"$tmp/out" 2>"$tmp/err"
rc=$?
one_line "prices import, a directory that cannot be made" 2 \
	"hashpivot prices: --db: /proc/hashpivot-no: cannot create directory: "
"$bin" prices import data/btc_usd_daily.csv --db README.md/c.sqlite >"$tmp/out" 2>"$tmp/err"
rc=$?
one_line "prices import, a file where the directory should be" 2 \
	"hashpivot prices: --db: README.md/c.sqlite: cannot create: Not a directory"

echo "outputs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
