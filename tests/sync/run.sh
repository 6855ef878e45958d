#!/bin/sh
# `hashpivot sync` end to end against the chain test server (docs/testing.md):
# full syncs over JSON-RPC and REST store exactly the fixture, a resume and
# a reorg finish on the served chain, and every bad source is refused with
# its one-line error, exit 1, and nothing bad stored (the database still
# passes `sync --check` and holds only a verified prefix of the chain).
# Usage: tests/sync/run.sh path/to/hashpivot   (from the top of the tree)
# Prints each failure, then "sync: N passed, N failed".
bin=${1:?usage: tests/sync/run.sh path/to/hashpivot}
tag=sync
tools=$(dirname "$bin")/tests
tmp=$(mktemp -d) || exit 1
trap 'stop_chainsrv; rm -rf "$tmp"' EXIT
. tests/chainsrv/lib.sh

command -v curl >/dev/null 2>&1 || abort "curl is not installed (Debian package curl)"
command -v sqlite3 >/dev/null 2>&1 || abort "sqlite3 is not installed (Debian package sqlite3)"
[ -x "$tools/chainsrv" ] && [ -x "$tools/mkchain" ] || abort "build $tools/chainsrv and mkchain first (make check does)"
"$bin" sync --help >/dev/null 2>&1 || abort "$bin has no sync command"

# The fixtures: 601 blocks; a fork of them from 590 that is 10 blocks longer.
"$tools/mkchain" --tip 600 --seed 3 --out "$tmp/a.chain" || abort "mkchain failed"
"$tools/mkchain" --tip 610 --seed 3 --fork-height 590 --fork-seed 4 --out "$tmp/b.chain" || abort "mkchain failed"
# The fixture's tip hash as Bitcoin shows it, from the CLI's own decoder
# (the hashes below the tip come from the headers' parent fields).
tip_display() {
	"$bin" header "$(chain_headers "$1" | tail -n 1)" --network regtest --json |
		sed -n 's/^  "hash": "\(.*\)",$/\1/p'
}
reverse_hex() { sed 's/../& /g' | awk '{ for (i = NF; i >= 1; i--) printf "%s", $i; print "" }'; }

# sync ARGS...: hashpivot sync --json; stdout in $tmp/out, stderr in $tmp/err, status in $rc
sync() {
	"$bin" sync --json "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
# db_is DB FIXTURE N: DB holds exactly the first N blocks of FIXTURE (all when
# N is empty), hashes included, and passes `hashpivot sync --check`.
db_is() {
	[ -f "$1" ] || return 1
	db_dump "$1" >"$tmp/dump" || return 1
	chain_lines "$2" ${3:-} >"$tmp/want"
	cmp -s "$tmp/dump" "$tmp/want" || return 1
	n=$(wc -l <"$tmp/want")
	db_hashes "$1" | head -n $((n - 1)) >"$tmp/dump"
	chain_hashes "$2" | head -n $((n - 1)) >"$tmp/want"
	cmp -s "$tmp/dump" "$tmp/want" || return 1
	if [ -z "${3:-}" ]; then
		[ "$(db_hashes "$1" | tail -n 1 | reverse_hex)" = "$(tip_display "$2")" ] || return 1
	fi
	"$bin" sync --check --db "$1" --network regtest >/dev/null 2>&1
}
# refused NAME DB: the last sync failed with exit 1 and one stderr line
# matching the basic regular expression $want, and left DB (if any) passing
# --check with only a prefix of a.chain no higher than $below.
refused() {
	rdb=$2
	check "$1: exit 1, one line" '[ $rc = 1 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && [ ! -s "$tmp/out" ]'
	check "$1: the message" 'grep -q "$want" "$tmp/err" || { cat "$tmp/err"; false; }'
	t=$(db_tip "$rdb")
	check "$1: the database holds a verified prefix (tip $t <= $below)" \
		'[ "$t" -le "$below" ] && { [ "$t" = -1 ] || db_is "$rdb" "$tmp/a.chain" $((t + 1)); }'
}

# --- full syncs -----------------------------------------------------------------
start_chainsrv --chain "$tmp/a.chain" --fork "$tmp/b.chain" --rpc-user alice --rpc-password 'pw-Xy7!q'
rpc="--rpc-url $srv --rpc-user alice --rpc-password pw-Xy7!q --network regtest"
sync $rpc --db "$tmp/rpc.db" --batch 64
check "RPC full sync: exit 0" '[ $rc = 0 ] || { cat "$tmp/err"; false; }'
check "RPC full sync: tip 600, 601 headers and stats added, no reorg" \
	'[ "$(json_num tip_height "$tmp/out")" = 600 ] && [ "$(json_num headers_added "$tmp/out")" = 601 ] && [ "$(json_num stats_added "$tmp/out")" = 601 ] && [ "$(json_num reorg_depth "$tmp/out")" = 0 ] && grep -q "\"fork_height\": null" "$tmp/out"'
check "RPC full sync: the source without credentials, the tip hash" \
	'{ [ "$(json_str source "$tmp/out")" = "$srv" ] || [ "$(json_str source "$tmp/out")" = "$srv/" ]; } && ! grep -q "pw-Xy7" "$tmp/out" && [ "$(json_str tip_hash "$tmp/out")" = "$(tip_display "$tmp/a.chain")" ]'
check "RPC full sync: the database is the fixture, byte for byte" 'db_is "$tmp/rpc.db" "$tmp/a.chain"'
"$bin" sync --check --db "$tmp/rpc.db" --network regtest --json >"$tmp/check" 2>&1
check "sync --check: ok, tip 600" 'grep -q "\"ok\": true" "$tmp/check" && [ "$(json_num tip_height "$tmp/check")" = 600 ]'
sync $rpc --db "$tmp/rpc.db"
check "RPC again: nothing to add" '[ $rc = 0 ] && [ "$(json_num headers_added "$tmp/out")" = 0 ] && [ "$(json_num tip_height "$tmp/out")" = 600 ]'

sync --api-url "$srv" --network regtest --db "$tmp/rest.db" --batch 100
check "REST full sync: exit 0, 601 headers" '[ $rc = 0 ] && [ "$(json_num headers_added "$tmp/out")" = 601 ] || { cat "$tmp/err"; false; }'
check "REST full sync: the database is the fixture" 'db_is "$tmp/rest.db" "$tmp/a.chain"'

# --- resume, reorg ----------------------------------------------------------------
control 'tip=250' >/dev/null
sync --api-url "$srv" --network regtest --db "$tmp/resume.db"
check "a partial sync (source at 250): tip 250" '[ $rc = 0 ] && [ "$(json_num tip_height "$tmp/out")" = 250 ] && db_is "$tmp/resume.db" "$tmp/a.chain" 251'
control 'tip=none' >/dev/null
sync --api-url "$srv" --network regtest --db "$tmp/resume.db"
check "resume: from 251, 350 headers added, the whole fixture" \
	'[ $rc = 0 ] && [ "$(json_num from_height "$tmp/out")" = 251 ] && [ "$(json_num headers_added "$tmp/out")" = 350 ] && db_is "$tmp/resume.db" "$tmp/a.chain"'

control 'fault=reorg' >/dev/null
sync $rpc --db "$tmp/rpc.db"
# a.chain's 590..600 (11 blocks) give way to b.chain's 590..610 (21 blocks)
check "reorg: exit 0, depth 11, tip 610" \
	'[ $rc = 0 ] && [ "$(json_num reorg_depth "$tmp/out")" = 11 ] && [ "$(json_num tip_height "$tmp/out")" = 610 ] && [ "$(json_num headers_added "$tmp/out")" = 21 ] || { cat "$tmp/out" "$tmp/err"; false; }'
check "reorg: the fork point" '[ "$(json_num fork_height "$tmp/out")" = 589 ] || [ "$(json_num fork_height "$tmp/out")" = 590 ]'
check "reorg: the database is the fork's fixture" 'db_is "$tmp/rpc.db" "$tmp/b.chain"'
control 'reset=1' >/dev/null

# --- bad data: refused, nothing bad stored ------------------------------------------
control 'fault=badpow:400' >/dev/null
sync --api-url "$srv" --network regtest --db "$tmp/pow.db" --batch 50
want='^hashpivot sync: block 400: proof of work not met (hash [0-9a-f]\{64\} above target of bits 207fffff)$'
below=399
refused "bad proof of work at 400" "$tmp/pow.db"
control 'reset=1' >/dev/null
sync --api-url "$srv" --network regtest --db "$tmp/pow.db"
check "bad proof of work: once the source is fixed, the sync completes" '[ $rc = 0 ] && db_is "$tmp/pow.db" "$tmp/a.chain"'

control 'fault=badlink:400' >/dev/null
sync $rpc --db "$tmp/link.db" --batch 50
want='^hashpivot sync: block 400: does not link to block 399 (prev [0-9a-f]\{64\} != [0-9a-f]\{64\})$'
refused "broken link at 400" "$tmp/link.db"

control 'reset=1&fault=badbits:400' >/dev/null
sync $rpc --db "$tmp/bits.db" --batch 50
want='^hashpivot sync: block 400: bits 207ffffe break the retarget rule (expected 207fffff)$'
refused "bits breaking the retarget rule at 400" "$tmp/bits.db"

control 'reset=1&fault=wrongnet' >/dev/null
sync --api-url "$srv" --network regtest --db "$tmp/net.db"
want='^hashpivot sync: block 0: not the genesis block of regtest'
below=-1
refused "another network's genesis block" "$tmp/net.db"
control 'reset=1' >/dev/null

# --- transient failures ---------------------------------------------------------------
control 'fault=http500:2' >/dev/null
sync $rpc --db "$tmp/t500.db" --retries 2
check "HTTP 500 twice, 2 retries: the sync completes" \
	'[ $rc = 0 ] && db_is "$tmp/t500.db" "$tmp/a.chain" && control "" >/dev/null && [ "$(json_num faults_served "$tmp/control")" = 2 ]'
control 'reset=1&fault=http500:3' >/dev/null
sync $rpc --db "$tmp/f500.db" --retries 2
want="^hashpivot sync: $srv/\{0,1\}: HTTP 500 after 3 attempts\$"
below=-1
refused "HTTP 500 three times, 2 retries" "$tmp/f500.db"

control 'reset=1&fault=delay:4000' >/dev/null
sync --api-url "$srv" --network regtest --db "$tmp/slow.db" --timeout-s 1 --retries 1
check "a reply slower than --timeout-s: retried, the sync completes" '[ $rc = 0 ] && db_is "$tmp/slow.db" "$tmp/a.chain"'
control 'reset=1&fault=delay:4000:2' >/dev/null
sync --api-url "$srv" --network regtest --db "$tmp/tmo.db" --timeout-s 1 --retries 1
want="^hashpivot sync: $srv/[^ ]*: .*timed out.* after 2 attempts$"
refused "two replies slower than --timeout-s, 1 retry" "$tmp/tmo.db"

control 'reset=1&fault=truncate:2' >/dev/null
sync $rpc --db "$tmp/trunc.db" --retries 2
check "truncated bodies: retried, the sync completes" '[ $rc = 0 ] && db_is "$tmp/trunc.db" "$tmp/a.chain"'
control 'reset=1&fault=truncate:3' >/dev/null
sync $rpc --db "$tmp/trunc2.db" --retries 2
want="^hashpivot sync: $srv/\{0,1\}: "
refused "a truncated body three times, 2 retries" "$tmp/trunc2.db"
control 'reset=1&fault=badjson:1' >/dev/null
sync $rpc --db "$tmp/json.db" --retries 1
check "malformed JSON: retried, the sync completes" '[ $rc = 0 ] && db_is "$tmp/json.db" "$tmp/a.chain"'
control 'reset=1' >/dev/null

# --- authentication ---------------------------------------------------------------------
sync --rpc-url "$srv" --rpc-user alice --rpc-password 'wrong-Pw-93' --network regtest --db "$tmp/auth.db"
want="^hashpivot sync: $srv/\{0,1\}: authentication failed"
refused "a wrong password" "$tmp/auth.db"
check "a wrong password: the message does not show it" '! grep -q "wrong-Pw-93" "$tmp/err"'
stop_chainsrv
start_chainsrv --chain "$tmp/a.chain" --cookie "$tmp/.cookie"
sync --rpc-url "$srv" --rpc-cookie "$tmp/.cookie" --network regtest --db "$tmp/cookie.db"
check "cookie auth: the sync completes" '[ $rc = 0 ] && db_is "$tmp/cookie.db" "$tmp/a.chain" || { cat "$tmp/err"; false; }'
secret=$(cut -d: -f2 "$tmp/.cookie")
printf '__cookie__:%s' "0000$secret" >"$tmp/.badcookie"
sync --rpc-url "$srv" --rpc-cookie "$tmp/.badcookie" --network regtest --db "$tmp/cookie2.db"
want="^hashpivot sync: $srv/\{0,1\}: authentication failed"
refused "a stale cookie" "$tmp/cookie2.db"
check "a stale cookie: the message does not show it" '! grep -q "$secret" "$tmp/err"'
stop_chainsrv

# --- the real mainnet headers shipped in data/: they do not link ---------------------
# Epoch-start headers 2,016 blocks apart, served as heights 0, 1, 2, ...: the
# genesis block is accepted, the next is refused for its parent (no fees:
# the file has none, so --stats-blocks 0).
awk -F, 'NR > 1 && $12 != "" { print $12 }' data/btc_difficulty_epochs.csv >"$tmp/main.chain"
start_chainsrv --chain "$tmp/main.chain" --network main
sync --rpc-url "$srv" --network main --db "$tmp/main.db" --stats-blocks 0
e1_prev=$(sed -n 3p data/btc_difficulty_epochs.csv | cut -d, -f8)
want="^hashpivot sync: block 1: does not link to block 0 (prev $e1_prev != 000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f)\$"
check "real mainnet epoch headers: exit 1" '[ $rc = 1 ]'
check "real mainnet epoch headers: block 1 does not link" 'grep -q "$want" "$tmp/err" || { cat "$tmp/err"; false; }'
t=$(db_tip "$tmp/main.db")
check "real mainnet epoch headers: at most the genesis block stored ($t)" \
	'[ "$t" -le 0 ] && { [ "$t" = -1 ] || "$bin" sync --check --db "$tmp/main.db" --network main >/dev/null 2>&1; }'
stop_chainsrv

# --- a node of another network, bad options --------------------------------------------
start_chainsrv --chain "$tmp/a.chain" --network main
sync --rpc-url "$srv" --network regtest --db "$tmp/other.db"
check "a mainnet node for --network regtest: exit 2, one line" \
	'[ $rc = 2 ] && [ "$(cat "$tmp/err")" = "hashpivot sync: --network: the source serves main, not regtest" ] && [ "$(db_tip "$tmp/other.db")" = -1 ]'
stop_chainsrv
"$bin" sync --rpc-url http://127.0.0.1:1/ --api-url http://127.0.0.1:1/ --db "$tmp/x.db" >/dev/null 2>"$tmp/err"
rc=$?
check "--rpc-url and --api-url together: exit 2, one line" '[ $rc = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && [ ! -e "$tmp/x.db" ]'
"$bin" sync --api-url http://127.0.0.1:1/ --batch 0 --db "$tmp/x.db" >/dev/null 2>"$tmp/err"
rc=$?
check "--batch 0: exit 2, names --batch" '[ $rc = 2 ] && grep -q -- "--batch" "$tmp/err" && [ ! -e "$tmp/x.db" ]'

finish
