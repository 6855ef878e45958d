#!/bin/sh
# A bounded burst against `hashpivot serve`: 2,000 GET requests over a mix
# of endpoints, 50 at a time (curl --parallel), every one answered with
# 200 and the body size it has alone; the server's peak resident memory (VmHWM)
# stays under a stated bound; and it still answers afterwards.
# Usage: tests/server/load.sh path/to/hashpivot   (from the top of the tree)
# Prints the figures, then "load: N passed, N failed".
bin=${1:?usage: tests/server/load.sh path/to/hashpivot}
requests=2000
parallel=50
# Peak RSS bound, kB: the plain build keeps well under it (bench/README.md
# "serve"); AddressSanitizer's shadow memory and quarantine need more.
case $bin in
*/san/*) bound_kb=1048576 ;;
*) bound_kb=65536 ;;
esac
passed=0
failed=0
pid=
tmp=$(mktemp -d) || exit 1
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

ok() { passed=$((passed + 1)); }
bad() {
	failed=$((failed + 1))
	echo "FAIL load: $*"
}

if ! command -v curl >/dev/null 2>&1 || ! curl --help all 2>/dev/null | grep -q -- '--parallel-max'; then
	echo "load: needs curl with --parallel (Debian 12's curl; ./run test installs it)"
	echo "load: 0 passed, 1 failed"
	exit 1
fi

. tests/server/start.sh
start_server load --http-threads 4
net='bits=170240c3&height=953568&fees_btc=0.025&price_usd=87654.32'
set -- "/api/v1/hashprice?$net" \
	"/api/v1/breakeven?machine=Antminer%20S21&$net&power_price_usd_per_kwh=0.05" \
	"/api/v1/breakeven?all=1&$net" \
	"/api/v1/network" \
	"/api/v1/machines?sort=hashrate" \
	"/api/v1/subsidy?height=840000" \
	"/api/v1/bits?bits=1d00ffff" \
	"/api/v1/energy?$net" \
	"/api/v1/estimate?height=830027&epoch_start_time=1706888526&now=1707691381"
# the expected status and size of each (its answer alone)
for u in "$@"; do
	curl -s -o /dev/null -w '%{http_code} %{size_download} %{url}\n' "$base$u"
done >"$tmp/want"

n=0
while [ $n -lt $requests ]; do
	k=$((n % $# + 1))
	eval "u=\${$k}"
	printf 'url = "%s%s"\noutput = "/dev/null"\n' "$base" "$u"
	n=$((n + 1))
done >"$tmp/config"

t0=$(date +%s%N)
curl -s --parallel --parallel-max $parallel --parallel-immediate -K "$tmp/config" \
	-w '%{http_code} %{size_download} %{url}\n' >"$tmp/got" 2>"$tmp/curl.err"
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))

# every request answered, each as it is answered alone
answered=$(wc -l <"$tmp/got")
wrong=$(awk 'NR == FNR { w[$3] = $1 " " $2; next }
	!($3 in w) || w[$3] != $1 " " $2 { n++ } END { print n + 0 }' "$tmp/want" "$tmp/got")
ok200=$(grep -c '^200 ' "$tmp/got")
if [ "$answered" = $requests ] && [ "$wrong" = 0 ] && [ "$ok200" = $requests ]; then
	ok
else
	bad "$answered of $requests answered, $wrong with the wrong status or size, $ok200 with 200"
fi
hwm=$(sed -n 's/^VmHWM:[^0-9]*\([0-9]*\) kB/\1/p' "/proc/$pid/status")
if [ -n "$hwm" ] && [ "$hwm" -lt "$bound_kb" ]; then
	ok
else
	bad "peak RSS ${hwm:-?} kB, bound $bound_kb kB"
fi
code=$(curl -s -o "$tmp/after" -w '%{http_code}' "$base/api/v1/hashprice?$net")
"$bin" hashprice --bits 170240c3 --height 953568 --fees-btc 0.025 --price-usd 87654.32 --json >"$tmp/cli"
if [ "$code" = 200 ] && cmp -s "$tmp/after" "$tmp/cli"; then ok; else bad "after the burst: $code"; fi
logged=$(grep -c ' 127\.0\.0\.1 GET /api/v1/' "$tmp/log")
if [ "$logged" -eq $((requests + $# + 1)) ]; then ok; else bad "$logged access-log lines"; fi
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
if [ "$rc" = 0 ]; then ok; else bad "exit $rc after SIGTERM"; fi

echo "load figures: $requests requests, $parallel at a time, in $ms ms ($((requests * 1000 / (ms > 0 ? ms : 1))) requests/s), peak RSS ${hwm} kB (bound $bound_kb kB)"
echo "load: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
