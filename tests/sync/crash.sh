#!/bin/sh
# kill -9 `hashpivot sync` at random moments and resume (docs/testing.md):
# a 3,000-block regtest chain served over JSON-RPC with a small delay per
# request, a sync killed $kills times after a delay drawn from a seeded
# generator (the same moments every run, up to the machine's speed); after
# each kill the database passes `hashpivot sync --check` and SQLite's
# integrity check, holds a gap-free prefix of the chain that never shrinks,
# and the next sync resumes from it. At the end the database is the whole
# fixture. Reports how many kills landed mid-batch (headers fetched from
# the server beyond what the database had committed).
# Usage: tests/sync/crash.sh path/to/hashpivot   (from the top of the tree)
# Prints each failure, then "crash: N passed, N failed".
bin=${1:?usage: tests/sync/crash.sh path/to/hashpivot}
tag=crash
tools=$(dirname "$bin")/tests
tmp=$(mktemp -d) || exit 1
sync_pid=
trap '[ -n "$sync_pid" ] && kill -9 "$sync_pid" 2>/dev/null; stop_chainsrv; rm -rf "$tmp"' EXIT
. tests/chainsrv/lib.sh

command -v curl >/dev/null 2>&1 || abort "curl is not installed (Debian package curl)"
command -v sqlite3 >/dev/null 2>&1 || abort "sqlite3 is not installed (Debian package sqlite3)"
[ -x "$tools/chainsrv" ] && [ -x "$tools/mkchain" ] || abort "build $tools/chainsrv and mkchain first (make check does)"
"$bin" sync --help >/dev/null 2>&1 || abort "$bin has no sync command"

kills=${CRASH_KILLS:-24}
seed=${CRASH_SEED:-20240607}
blocks=3000
"$tools/mkchain" --tip $blocks --seed 5 --out "$tmp/chain" || abort "mkchain failed"
# 1 ms a request: three requests a block make a full sync last 10 s or more,
# so that $kills kills spread across it
start_chainsrv --chain "$tmp/chain" --fault slow:1
db=$tmp/chain.db

# The kill delays, in ms: a linear congruential generator (Knuth's MMIX
# constants, taken mod 2^32 in awk's doubles exactly) from $seed, uniform
# in [30, 530).
awk -v n="$kills" -v s="$seed" 'BEGIN {
	x = s % 4294967296
	for (i = 0; i < n; i++) {
		x = (1664525 * x + 1013904223) % 4294967296
		printf "%d\n", 30 + int(x / 4294967296 * 500)
	}
}' >"$tmp/delays"

prev_tip=-1
mid=0
between=0
unfinished=0
k=0
while read -r ms; do
	k=$((k + 1))
	control 'counters=0' >/dev/null
	"$bin" sync --rpc-url "$srv" --network regtest --db "$db" --batch 100 --stats-blocks $((blocks + 1)) >/dev/null 2>"$tmp/err.$k" &
	sync_pid=$!
	sleep "$(awk -v ms="$ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
	if kill -9 "$sync_pid" 2>/dev/null; then
		unfinished=$((unfinished + 1))
	fi
	wait "$sync_pid" 2>/dev/null
	sync_pid=
	control '' >/dev/null
	fetched=$(json_num highest_header "$tmp/control")
	tip=$(db_tip "$db")
	if [ "$fetched" -gt "$tip" ]; then
		mid=$((mid + 1))
	else
		between=$((between + 1))
	fi
	if [ "$tip" -ge 0 ]; then
		"$bin" sync --check --db "$db" --network regtest >"$tmp/check" 2>&1
		c=$?
		ic=$(sqlite3 "$db" 'PRAGMA integrity_check;' 2>&1)
		check "kill $k after $ms ms: --check passes (tip $tip)" '[ $c = 0 ] || { cat "$tmp/check"; false; }'
		check "kill $k: integrity_check ok, gap-free from 0" \
			'[ "$ic" = ok ] && db_gapfree "$db" && [ "$(sqlite3 "$db" "SELECT min(height) FROM headers;")" = 0 ]'
	fi
	check "kill $k: the tip never goes back ($prev_tip -> $tip)" '[ "$tip" -ge "$prev_tip" ]'
	prev_tip=$tip
done <"$tmp/delays"

# resume to the end, then the whole fixture must be there
"$bin" sync --rpc-url "$srv" --network regtest --db "$db" --batch 100 --stats-blocks $((blocks + 1)) --json >"$tmp/out" 2>"$tmp/err"
rc=$?
check "the last sync completes from $prev_tip" '[ $rc = 0 ] && [ "$(json_num tip_height "$tmp/out")" = $blocks ] || { cat "$tmp/err"; false; }'
db_dump "$db" >"$tmp/dump"
chain_lines "$tmp/chain" >"$tmp/want"
check "the database is the fixture, byte for byte" 'cmp -s "$tmp/dump" "$tmp/want"'
db_hashes "$db" | head -n $blocks >"$tmp/dump"
chain_hashes "$tmp/chain" >"$tmp/want"
check "the stored hashes are the fixture's" 'cmp -s "$tmp/dump" "$tmp/want"'
"$bin" sync --check --db "$db" --network regtest >/dev/null 2>&1
check "--check passes at the end" '[ $? = 0 ]'
echo "crash: $kills kills ($unfinished while the sync ran): $mid mid-batch, $between between batches; tips reached before the last resume: $prev_tip of $blocks"
check "kills landed mid-batch" '[ $mid -gt 0 ]'
finish
