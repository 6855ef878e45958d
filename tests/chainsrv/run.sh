#!/bin/sh
# The chain test server and its fixtures (docs/testing.md), checked with
# curl and `hashpivot header` before the sync tests rely on them: mkchain's
# chains are deterministic, link and meet their targets, and fork where
# asked; chainsrv answers Bitcoin Core's JSON-RPC and mempool.space's REST
# API with the fixture's values, refuses wrong credentials, serves each
# fault as documented, and serves the real mainnet epoch-start headers of
# data/btc_difficulty_epochs.csv with their published hashes.
# Usage: tests/chainsrv/run.sh path/to/hashpivot   (from the top of the tree)
# Prints each failure, then "chainsrv: N passed, N failed".
bin=${1:?usage: tests/chainsrv/run.sh path/to/hashpivot}
tag=chainsrv
tools=$(dirname "$bin")/tests
tmp=$(mktemp -d) || exit 1
trap 'stop_chainsrv; rm -rf "$tmp"' EXIT
. tests/chainsrv/lib.sh

command -v curl >/dev/null 2>&1 || abort "curl is not installed (Debian package curl)"
[ -x "$tools/chainsrv" ] && [ -x "$tools/mkchain" ] || abort "build $tools/chainsrv and mkchain first (make check does)"

regtest_genesis=0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206
main_genesis=000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f

# --- mkchain ---------------------------------------------------------------
"$tools/mkchain" --tip 400 --seed 11 --out "$tmp/a.chain"
"$tools/mkchain" --tip 400 --seed 11 >"$tmp/a2.chain"
"$tools/mkchain" --tip 400 --seed 12 --out "$tmp/c.chain"
"$tools/mkchain" --tip 410 --seed 11 --fork-height 390 --out "$tmp/b.chain"
check "mkchain: the same seed gives the same file" 'cmp -s "$tmp/a.chain" "$tmp/a2.chain"'
check "mkchain: heights 0..400" '[ "$(chain_headers "$tmp/a.chain" | wc -l)" = 401 ]'
chain_headers "$tmp/a.chain" >"$tmp/a.hex"
chain_headers "$tmp/b.chain" >"$tmp/b.hex"
chain_headers "$tmp/c.chain" >"$tmp/c.hex"
check "mkchain: another seed shares only the genesis block" \
	'[ "$(head -n 1 "$tmp/a.hex")" = "$(head -n 1 "$tmp/c.hex")" ] && [ "$(sed -n 2p "$tmp/a.hex")" != "$(sed -n 2p "$tmp/c.hex")" ]'
check "mkchain: the fork shares heights 0..389 and differs from 390" \
	'[ "$(head -n 390 "$tmp/a.hex")" = "$(head -n 390 "$tmp/b.hex")" ] && [ "$(sed -n 391p "$tmp/a.hex")" != "$(sed -n 391p "$tmp/b.hex")" ]'
# The headers, checked by the CLI's own decoder: genesis, a few, and the
# tip each meet their target, link to the one below, and times increase.
prev_hash=
prev_time=0
links=0
n=0
for h in 0 1 2 3 149 150 151 399 400; do
	"$bin" header "$(sed -n "$((h + 1))p" "$tmp/a.hex")" --network regtest --json >"$tmp/h.json"
	hash=$(sed -n 's/^  "hash": "\(.*\)",$/\1/p' "$tmp/h.json")
	t=$(sed -n 's/^  "time": \([0-9]*\),$/\1/p' "$tmp/h.json")
	grep -q '"valid_pow": true' "$tmp/h.json" && grep -q '"bits": "207fffff"' "$tmp/h.json" &&
		[ "$t" -gt "$prev_time" ] && n=$((n + 1))
	"$bin" header "$(sed -n "$((h + 2))p" "$tmp/a.hex")" --network regtest --json >"$tmp/h2.json" 2>/dev/null &&
		grep -q "\"prev_hash\": \"$hash\"" "$tmp/h2.json" && links=$((links + 1))
	[ "$h" = 0 ] && check "mkchain: height 0 is regtest's genesis block" '[ "$hash" = "$regtest_genesis" ]'
	prev_time=$t
done
check "mkchain: sampled headers meet bits 207fffff, times increase ($n of 9)" '[ "$n" = 9 ]'
check "mkchain: sampled headers are the parents of the next ($links of 8 below the tip)" '[ "$links" = 8 ]'
# block 150 is regtest's first halving (interval 150): 50 BTC, then 25 BTC
check "mkchain: subsidy 50 BTC at 149, 25 BTC at 150" \
	'[ "$(sed -e "/^#/d" "$tmp/a.chain" | sed -n 150p | cut -d" " -f3)" = 5000000000 ] && [ "$(sed -e "/^#/d" "$tmp/a.chain" | sed -n 151p | cut -d" " -f3)" = 2500000000 ]'
"$tools/mkchain" --tip 10 --seed 1 --fork-height 11 >/dev/null 2>"$tmp/err"
rc=$?
check "mkchain: a fork above the tip: exit 2, one line" \
	'[ $rc = 2 ] && [ "$(cat "$tmp/err")" = "mkchain: --fork-height: must be in [1, --tip 10], got 11" ]'

# --- chainsrv: bad options --------------------------------------------------
bad_start() { # expected line, args...
	want=$1
	shift
	"$tools/chainsrv" "$@" >/dev/null 2>"$tmp/err"
	rc=$?
	check "chainsrv $*: exit 2, '$want'" '[ $rc = 2 ] && [ "$(cat "$tmp/err")" = "$want" ]'
}
bad_start "chainsrv: --chain: required" --port 0
bad_start "chainsrv: --port: must be in [0, 65535], got '70000'" --chain "$tmp/a.chain" --port 70000
bad_start "chainsrv: --rpc-user: needs --rpc-password too" --chain "$tmp/a.chain" --rpc-user u
bad_start "chainsrv: --fault: reorg needs --fork FILE" --chain "$tmp/a.chain" --fault reorg
bad_start "chainsrv: --fault: unknown kind in 'http404' (http500, delay, truncate, badjson, slow, badpow, badlink, badbits, reorg, wrongnet, none)" --chain "$tmp/a.chain" --fault http404
printf 'zz\n' >"$tmp/bad.chain"
bad_start "chainsrv: $tmp/bad.chain:1: header: expected 160 hex digits, got 2 in 'zz'" --chain "$tmp/bad.chain"

# --- JSON-RPC ------------------------------------------------------------------
start_chainsrv --chain "$tmp/a.chain" --fork "$tmp/b.chain" --rpc-user alice --rpc-password 's3cr3t!'
# rpc BODY [curl args]: reply into $tmp/r, prints the HTTP status
rpc() {
	body=$1
	shift
	curl -s -o "$tmp/r" -w '%{http_code}' -u 'alice:s3cr3t!' "$@" --data-binary "$body" "$srv/"
}
st=$(rpc '{"method":"getblockhash","params":[0],"id":7}')
check "getblockhash 0: regtest's genesis hash" \
	'[ $st = 200 ] && [ "$(cat "$tmp/r")" = "{\"result\":\"$regtest_genesis\",\"error\":null,\"id\":7}" ]'
st=$(rpc "{\"method\":\"getblockheader\",\"params\":[\"$regtest_genesis\"],\"id\":1}")
# Core's regtest genesis: work 2 (2^256 / (0x7fffff * 2^232 + 1), floored)
check "getblockheader genesis: Core's fields" \
	'[ $st = 200 ] && grep -q "\"merkleroot\":\"4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b\",\"time\":1296688602,\"mediantime\":1296688602,\"nonce\":2,\"bits\":\"207fffff\",\"difficulty\":4.656542373906925e-10,\"chainwork\":\"0000000000000000000000000000000000000000000000000000000000000002\"" "$tmp/r" && [ "$(json_num confirmations "$tmp/r")" = 401 ]'
st=$(rpc '{"method":"getblockchaininfo","id":1}')
# 401 blocks of work 2 each: 802 = 0x322
check "getblockchaininfo: regtest, 400 blocks, chainwork 0x322" \
	'[ $st = 200 ] && [ "$(json_str chain "$tmp/r")" = regtest ] && [ "$(json_num blocks "$tmp/r")" = 400 ] && [ "$(json_str chainwork "$tmp/r")" = 0000000000000000000000000000000000000000000000000000000000000322 ]'
tip_hash=$(json_str bestblockhash "$tmp/r")
st=$(rpc '{"method":"getblockhash","params":[250],"id":1}')
h250=$(json_str result "$tmp/r")
st=$(rpc "{\"method\":\"getblockheader\",\"params\":[\"$h250\",false],\"id\":1}")
check "getblockheader verbose=false: the fixture's header at 250" \
	'[ "$(json_str result "$tmp/r")" = "$(sed -n 251p "$tmp/a.hex")" ]'
st=$(rpc "{\"jsonrpc\":\"2.0\",\"method\":\"getblockstats\",\"params\":[250,[\"totalfee\",\"subsidy\",\"txs\"]],\"id\":2}")
want=$(sed -e '/^#/d' "$tmp/a.chain" | sed -n 251p | awk '{printf "{\"jsonrpc\":\"2.0\",\"result\":{\"totalfee\":%s,\"subsidy\":%s,\"txs\":%s},\"id\":2}", $2, $3, $4}')
check "getblockstats 250 (JSON-RPC 2.0): the fixture's fees, subsidy, count" '[ $st = 200 ] && [ "$(cat "$tmp/r")" = "$want" ]'
st=$(rpc '{"method":"getblockhash","params":[401],"id":3}')
check "getblockhash above the tip: error -8, HTTP 500 (Core's legacy mapping)" \
	'[ $st = 500 ] && [ "$(cat "$tmp/r")" = "{\"result\":null,\"error\":{\"code\":-8,\"message\":\"Block height out of range\"},\"id\":3}" ]'
st=$(rpc '{"jsonrpc":"2.0","method":"getblock","id":4}')
check "an unknown method (2.0): error -32601, HTTP 200" \
	'[ $st = 200 ] && [ "$(cat "$tmp/r")" = "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"Method not found\"},\"id\":4}" ]'
st=$(rpc '[{"method":"getblockcount","id":1},{"method":"getblockheader","params":["00"],"id":2}]')
check "a batch: one reply each" \
	'[ $st = 200 ] && grep -q "^\[{\"result\":400,\"error\":null,\"id\":1},{\"result\":null,\"error\":{\"code\":-8," "$tmp/r"'
st=$(rpc '{"method":')
check "malformed JSON: parse error -32700" '[ $st = 500 ] && grep -q "\"code\":-32700" "$tmp/r"'
st=$(curl -s -o "$tmp/r" -w '%{http_code}' --data-binary '{"method":"getblockcount"}' "$srv/")
check "no credentials: 401" '[ $st = 401 ]'
st=$(curl -s -o "$tmp/r" -w '%{http_code}' -u alice:wrong --data-binary '{"method":"getblockcount"}' "$srv/")
check "a wrong password: 401" '[ $st = 401 ]'

# --- REST ---------------------------------------------------------------------
get() { curl -s -o "$tmp/r" -w '%{http_code}' "$srv$1"; }
st=$(get /api/blocks/tip/height)
check "REST tip height: 400" '[ $st = 200 ] && [ "$(cat "$tmp/r")" = 400 ]'
st=$(get /api/blocks/tip/hash)
check "REST tip hash: the RPC's best block" '[ "$(cat "$tmp/r")" = "$tip_hash" ]'
st=$(get /api/block-height/250)
check "REST block-height 250: the RPC's hash" '[ "$(cat "$tmp/r")" = "$h250" ]'
st=$(get "/api/block/$h250/header")
check "REST header 250: the fixture's" '[ "$(cat "$tmp/r")" = "$(sed -n 251p "$tmp/a.hex")" ]'
st=$(get /api/v1/blocks/250)
want=$(sed -e '/^#/d' "$tmp/a.chain" | sed -n 251p | awk '{printf "\"extras\":{\"totalFees\":%s,\"reward\":%.0f,", $2, $2 + $3}')
check "REST v1/blocks/250: 15 blocks from 250 down, with the fixture's fees" \
	'[ $st = 200 ] && [ "$(grep -o "\"height\":[0-9]*" "$tmp/r" | tr "\n" " ")" = "$(seq 250 -1 236 | sed "s/^/\"height\":/" | tr "\n" " ")" ] && grep -qF "$want" "$tmp/r"'
st=$(get /api/block-height/401)
check "REST block-height above the tip: 404" '[ $st = 404 ] && [ "$(cat "$tmp/r")" = "Block not found" ]'

# --- faults ---------------------------------------------------------------------
control 'fault=http500:2' >/dev/null
s1=$(get /api/blocks/tip/height)
s2=$(get /api/blocks/tip/height)
s3=$(get /api/blocks/tip/height)
check "http500:2: two 500s, then 200" '[ "$s1 $s2 $s3" = "500 500 200" ]'
control 'fault=truncate' >/dev/null
curl -s -o /dev/null "$srv/api/block/$h250"
rc=$?
check "truncate: the transfer stops short (curl 18)" '[ $rc = 18 ]'
get "/api/block/$h250" >/dev/null
full=$(wc -c <"$tmp/r")
control 'fault=badjson' >/dev/null
get "/api/block/$h250" >/dev/null
check "badjson: the body is cut to half and ends in !" \
	'grep -q "^{\"id\":\"$h250\".*!\$" "$tmp/r" && [ $(wc -c <"$tmp/r") = $((full / 2 + 1)) ]'
control 'fault=delay:3000' >/dev/null
curl -s -m 1 -o /dev/null "$srv/api/blocks/tip/height"
rc=$?
check "delay:3000: a 1 s client times out (curl 28), the next is served" \
	'[ $rc = 28 ] && [ "$(get /api/blocks/tip/height)" = 200 ]'
hdr_json() { # height -> the served header decoded by the CLI into $tmp/h.json
	curl -s "$srv/api/block/$(curl -s "$srv/api/block-height/$1")/header" >"$tmp/hex"
	"$bin" header "$(cat "$tmp/hex")" --network regtest --json >"$tmp/h.json"
}
st=$(control 'fault=badpow:100&fault=badlink:200&fault=badbits:300')
hdr_json 100
check "badpow:100: the header misses its target" '[ $st = 200 ] && grep -q "\"valid_pow\": false" "$tmp/h.json"'
hdr_json 200
check "badlink:200: meets its target, names another parent" \
	'grep -q "\"valid_pow\": true" "$tmp/h.json" && ! grep -q "\"prev_hash\": \"$(curl -s "$srv/api/block-height/199")\"" "$tmp/h.json"'
hdr_json 300
check "badbits:300: bits 207ffffe, meets them" 'grep -q "\"bits\": \"207ffffe\"" "$tmp/h.json" && grep -q "\"valid_pow\": true" "$tmp/h.json"'
hdr_json 301
check "badbits:300: 301 is the fixture's" '[ "$(cat "$tmp/hex")" = "$(sed -n 302p "$tmp/a.hex")" ]'
control 'fault=none&fault=reorg' >/dev/null
check "reorg: tip 410, the fork's header at 390" \
	'[ "$(json_num tip_height "$tmp/control")" = 410 ] && [ "$(get /api/blocks/tip/height; cat "$tmp/r")" = 200410 ] && hdr_json 390 && [ "$(cat "$tmp/hex")" = "$(sed -n 391p "$tmp/b.hex")" ]'
st=$(rpc "{\"method\":\"getblockheader\",\"params\":[\"$tip_hash\"],\"id\":1}")
check "reorg: the old tip is still known, confirmations -1" '[ $st = 200 ] && [ "$(json_num confirmations "$tmp/r")" = -1 ]'
st=$(get "/api/block/$tip_hash/status")
check "reorg: REST status of the old tip: not in the best chain" '[ "$(cat "$tmp/r")" = "{\"in_best_chain\":false,\"height\":400}" ]'
control 'reset=1&fault=wrongnet' >/dev/null
get /api/block-height/0 >/dev/null
check "wrongnet: block 0 is mainnet's genesis" '[ "$(cat "$tmp/r")" = "$main_genesis" ]'
control 'reset=1&tip=120' >/dev/null
check "tip=120: the chain ends at 120" '[ "$(get /api/blocks/tip/height; cat "$tmp/r")" = 200120 ] && [ "$(get /api/block-height/121)" = 404 ]'
control 'fault=slow:200' >/dev/null
t0=$(date +%s%N)
get /api/blocks/tip/height >/dev/null
get /api/blocks/tip/height >/dev/null
t1=$(date +%s%N)
check "slow:200: two requests take 0.4 s or more" '[ $(((t1 - t0) / 1000000)) -ge 400 ]'
control 'reset=1' >/dev/null
check "the state counts requests and faults" \
	'[ "$(json_num requests "$tmp/control")" = 0 ] && get /api/blocks/tip/height >/dev/null && control "" >/dev/null && [ "$(json_num requests "$tmp/control")" = 1 ]'
st=$(control 'fault=badpow')
check "a control request with bad arguments: 400, one line" \
	'[ $st = 400 ] && [ "$(cat "$tmp/control")" = "chainsrv: fault: bad arguments in '"'"'badpow'"'"' (want KIND:HEIGHT)" ]'
stop_chainsrv
check "SIGTERM: exit 0" '[ "$srv_rc" = 0 ]'

# --- cookie auth --------------------------------------------------------------
start_chainsrv --chain "$tmp/a.chain" --cookie "$tmp/.cookie"
cookie=$(cat "$tmp/.cookie")
check "the cookie file: __cookie__ and 64 hex digits, mode 600" \
	'printf "%s" "$cookie" | grep -Eq "^__cookie__:[0-9a-f]{64}\$" && [ "$(stat -c %a "$tmp/.cookie")" = 600 ]'
st=$(curl -s -o "$tmp/r" -w '%{http_code}' -u "$cookie" --data-binary '{"method":"getblockcount","id":1}' "$srv/")
check "the cookie's credentials: 200" '[ $st = 200 ] && [ "$(json_num result "$tmp/r")" = 400 ]'
st=$(curl -s -o "$tmp/r" -w '%{http_code}' -u "__cookie__:00" --data-binary '{"method":"getblockcount","id":1}' "$srv/")
check "another cookie: 401" '[ $st = 401 ]'
stop_chainsrv
check "SIGTERM removes the cookie file" '[ "$srv_rc" = 0 ] && [ ! -e "$tmp/.cookie" ]'

# --- real mainnet headers: the epoch starts of data/btc_difficulty_epochs.csv --
# They do not link (2,016 blocks apart), but each is real: the server hashes
# each to the hash the CSV publishes and reports the CSV's parent hash.
csv=data/btc_difficulty_epochs.csv
# (the rows from epoch 437 on carry no header)
awk -F, 'NR > 1 && $12 != "" { print $12 }' "$csv" >"$tmp/main.chain"
epochs=$(wc -l <"$tmp/main.chain")
start_chainsrv --chain "$tmp/main.chain" --network main
batch=$(awk -v n="$epochs" 'BEGIN { printf "["; for (i = 0; i < n; i++) printf "%s{\"method\":\"getblockhash\",\"params\":[%d],\"id\":%d}", i ? "," : "", i, i; printf "]" }')
st=$(rpc "$batch")
grep -o '"result":"[0-9a-f]*"' "$tmp/r" | cut -d'"' -f4 >"$tmp/served"
awk -F, 'NR > 1 && $12 != "" { print $7 }' "$csv" >"$tmp/published"
check "mainnet: the $epochs epoch-start headers hash to the CSV's hashes" \
	'[ $st = 200 ] && [ "$epochs" -gt 400 ] && cmp -s "$tmp/served" "$tmp/published"'
st=$(rpc '{"method":"getblockchaininfo","id":1}')
check "mainnet: chain main" '[ "$(json_str chain "$tmp/r")" = main ]'
e1=$(sed -n 2p "$tmp/published")
st=$(rpc "{\"method\":\"getblockheader\",\"params\":[\"$e1\"],\"id\":1}")
check "mainnet: epoch 1's parent is the CSV's prev_block_hash" \
	'[ "$(json_str previousblockhash "$tmp/r")" = "$(sed -n 3p "$csv" | cut -d, -f8)" ] && [ "$(json_str bits "$tmp/r")" = 1d00ffff ]'
st=$(rpc "{\"method\":\"getblockstats\",\"params\":[1],\"id\":1}")
check "mainnet: no stats in the file: error -1" '[ $st = 500 ] && grep -q "\"code\":-1,\"message\":\"no block stats for height 1 in the chain file\"" "$tmp/r"'
control 'fault=wrongnet' >/dev/null
get /api/block-height/0 >/dev/null
check "mainnet wrongnet: block 0 is regtest's genesis" '[ "$(cat "$tmp/r")" = "$regtest_genesis" ]'
st=$(control 'fault=none&fault=badlink:5')
check "mainnet badlink: cannot re-mine at real difficulty: 400, state kept" \
	'[ $st = 400 ] && grep -q "no nonce within 65536 tries meets the target of bits" "$tmp/control" && control "" >/dev/null && grep -q "\"badlink\":-1" "$tmp/control"'

finish
