#!/bin/sh
# The HTTP API against the CLI (docs/api.md): a server started here on a
# free loopback port answers every endpoint with exactly the bytes of the
# command's --json output for the same inputs, refuses bad input with the
# command's own message, runs jobs to the CLI's result, cancels them, and
# stops cleanly on SIGTERM.
# Usage: tests/server/api.sh path/to/hashpivot   (from the top of the tree)
# Prints each failure, then "api: N passed, N failed".
bin=${1:?usage: tests/server/api.sh path/to/hashpivot}
passed=0
failed=0
pid=
tmp=$(mktemp -d) || exit 1
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

if ! command -v curl >/dev/null 2>&1; then
	echo "api: curl is not installed (Debian package curl; ./run test installs it)"
	echo "api: 0 passed, 1 failed"
	exit 1
fi

ok() { passed=$((passed + 1)); }
bad() {
	failed=$((failed + 1))
	echo "FAIL api: $*"
}
check() { # name, a condition (shell text, evaluated here)
	if eval "$2"; then ok; else bad "$1"; fi
}

# --- the server ---------------------------------------------------------
. tests/server/start.sh
start_server api --max-jobs 2 --threads 2

# a second server on the same port cannot listen: exit 1, one line
"$bin" serve --port "$port" >/dev/null 2>"$tmp/second"
rc=$?
check "a port in use: exit 1" '[ "$rc" = 1 ] && grep -q "^hashpivot serve: cannot listen on 127.0.0.1 port $port: " "$tmp/second" && [ "$(wc -l <"$tmp/second")" = 1 ]'

# GET PATH?QUERY into $tmp/body; prints the status
get() { curl -s -o "$tmp/body" -w '%{http_code}' "$base$1"; }
# METHOD PATH [BODYFILE]
req() {
	if [ -n "${3:-}" ]; then
		curl -s -o "$tmp/body" -w '%{http_code}' -X "$1" -H 'Content-Type: application/json' \
			--data-binary "@$3" "$base$2"
	else
		curl -s -o "$tmp/body" -w '%{http_code}' -X "$1" "$base$2"
	fi
}
# the value of a top-level string member of $tmp/body ("error", "field", "status", "job")
member() {
	sed -n "s/^  \"$1\": \"\\(.*\\)\",\\{0,1\\}\$/\\1/p" "${2:-$tmp/body}" | head -n 1 |
		sed 's/\\"/"/g; s/\\\\/\\/g'
}
number() { sed -n "s/^  \"$1\": \\([0-9.e+-]*\\),\\{0,1\\}\$/\\1/p" "${2:-$tmp/body}" | head -n 1; }

# --- GET: the same bytes as --json --------------------------------------
# route | query | CLI arguments (shell words)
get_cases() {
	cat <<'EOF'
network||network
network|height=840000|network --height 840000
network|height=0|network --height 0
hashprice|bits=170240c3&height=953568&fees_btc=0.025&price_usd=87654.32|hashprice --bits 170240c3 --height 953568 --fees-btc 0.025 --price-usd 87654.32
hashprice|difficulty=124932866006548.16&height=840000&fees_btc=0.3&price_usd=64000&pool_fee_pct=2.5|hashprice --difficulty 124932866006548.16 --height 840000 --fees-btc 0.3 --price-usd 64000 --pool-fee-pct 2.5
machines||machines
machines|sort=hashrate&cooling=hydro|machines --sort hashrate --cooling hydro
machines|add_machine=My%20S21%3A200%3A3500%3Aair&sort=name|machines --add-machine 'My S21:200:3500:air' --sort name
breakeven|machine=Antminer%20S21%20Pro&bits=170240c3&height=953568&fees_btc=0.025&price_usd=87654.32&pool_fee_pct=2&power_price_usd_per_kwh=0.05&machine_price_usd=3500&months=24&difficulty_growth_pct_per_month=2|breakeven --machine 'Antminer S21 Pro' --bits 170240c3 --height 953568 --fees-btc 0.025 --price-usd 87654.32 --pool-fee-pct 2 --power-price-usd-per-kwh 0.05 --machine-price-usd 3500 --months 24 --difficulty-growth-pct-per-month 2
breakeven|all=1&sort=profit&bits=170240c3&height=953568&fees_btc=0.025&price_usd=87654.32&power_price_usd_per_kwh=0.05|breakeven --all --sort profit --bits 170240c3 --height 953568 --fees-btc 0.025 --price-usd 87654.32 --power-price-usd-per-kwh 0.05
breakeven|all=true&run_when_unprofitable=0&bits=170240c3&height=953568&fees_btc=0.025&price_usd=60000|breakeven --all --bits 170240c3 --height 953568 --fees-btc 0.025 --price-usd 60000
breakeven|add_machine=My%20rig%3A150%3A3000%3Aimmersion&machine=my%20rig&bits=170240c3&height=953568&fees_btc=0.025&price_usd=87654.32&power_price_usd_per_kwh=0.04&hosting_usd_per_kwh=0.01&hosting_usd_per_month=15&uptime_pct=97&run_when_unprofitable=1|breakeven --add-machine 'My rig:150:3000:immersion' --machine 'my rig' --bits 170240c3 --height 953568 --fees-btc 0.025 --price-usd 87654.32 --power-price-usd-per-kwh 0.04 --hosting-usd-per-kwh 0.01 --hosting-usd-per-month 15 --uptime-pct 97 --run-when-unprofitable
energy|bits=170240c3&height=953568&fees_btc=0.025&price_usd=87654.32&power_price_usd_per_kwh=0.07&as_of=2023-12|energy --bits 170240c3 --height 953568 --fees-btc 0.025 --price-usd 87654.32 --power-price-usd-per-kwh 0.07 --as-of 2023-12
energy|bits=170240c3&height=953568&fees_btc=0.025&price_usd=87654.32&pue_lower=1.02&pue_best=1.12&pue_upper=1.3|energy --bits 170240c3 --height 953568 --fees-btc 0.025 --price-usd 87654.32 --pue-lower 1.02 --pue-best 1.12 --pue-upper 1.3
subsidy|height=209999|subsidy --height 209999
subsidy|height=150&network=regtest|subsidy --height 150 --network regtest
bits|bits=1d00ffff|bits 1d00ffff
bits|difficulty=124932866006548.16|bits --difficulty 124932866006548.16
bits|target=00000000ffff0000000000000000000000000000000000000000000000000000|bits --target 00000000ffff0000000000000000000000000000000000000000000000000000
retarget|bits=1d00ffff&first_time=1261130161&last_time=1262152739|retarget --bits 1d00ffff --first-time 1261130161 --last-time 1262152739
retarget|bits=207fffff&first_time=1296688602&last_time=1296689602&network=regtest|retarget --bits 207fffff --first-time 1296688602 --last-time 1296689602 --network regtest
estimate|height=830027&epoch_start_time=2024-02-02T15:42:06Z&window_start_time=2024-02-08T14:43:05Z&now=2024-02-11T22:43:01Z&previous_change=7.333505241141637|estimate --height 830027 --epoch-start-time 2024-02-02T15:42:06Z --window-start-time 2024-02-08T14:43:05Z --now 2024-02-11T22:43:01Z --previous-change 7.333505241141637
estimate|height=788255&epoch_start_time=2023-04-20T09:57:33Z&window_start_time=2022-08-16T03:16:54Z&now=2023-05-04T14:54:09Z&previous_change=1.7220298879531821&last_block_time=2023-05-04T14:54:26Z|estimate --height 788255 --epoch-start-time 2023-04-20T09:57:33Z --window-start-time 2022-08-16T03:16:54Z --now 2023-05-04T14:54:09Z --previous-change 1.7220298879531821 --last-block-time 2023-05-04T14:54:26Z
header|hex=0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c|header 0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c
header|hex=0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7d&network=test|header 0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7d --network test
EOF
}
get_cases >"$tmp/cases"
while IFS='|' read -r route query args; do
	code=$(get "/api/v1/$route${query:+?$query}")
	eval "set -- $args"
	"$bin" "$@" --json >"$tmp/cli" 2>/dev/null
	if [ "$code" = 200 ] && [ -s "$tmp/cli" ] && cmp -s "$tmp/body" "$tmp/cli"; then
		ok
	else
		bad "GET /api/v1/$route?$query: status $code, body differs from '$args --json'"
	fi
done <"$tmp/cases"

# --- bad input: the CLI's message, field named --------------------------
# route | query | field | CLI arguments
bad_cases() {
	cat <<'EOF'
hashprice|bits=170240c3&height=953568&fees_btc=0.025&price_usd=abc|price_usd|hashprice --bits 170240c3 --height 953568 --fees-btc 0.025 --price-usd abc
hashprice|bits=170240c3&height=953568&fees_btc=-1&price_usd=1|fees_btc|hashprice --bits 170240c3 --height 953568 --fees-btc -1 --price-usd 1
hashprice|height=953568&fees_btc=0.025&price_usd=1|-|hashprice --height 953568 --fees-btc 0.025 --price-usd 1
network|height=99999999|height|network --height 99999999
breakeven|machine=No%20such&bits=170240c3&height=953568&fees_btc=0.025&price_usd=87654.32|machine|breakeven --machine 'No such' --bits 170240c3 --height 953568 --fees-btc 0.025 --price-usd 87654.32
machines|cooling=steam|cooling|machines --cooling steam
subsidy|height=-1|height|subsidy --height -1
bits|bits=xyz|bits|bits xyz
header|hex=00|hex|header 00
retarget|bits=1d00ffff&first_time=1262152739|last_time|retarget --bits 1d00ffff --first-time 1262152739
EOF
}
bad_cases >"$tmp/cases"
while IFS='|' read -r route query field args; do
	code=$(get "/api/v1/$route?$query")
	eval "set -- $args"
	"$bin" "$@" --json >/dev/null 2>"$tmp/cli"
	want=$(sed "s/^hashpivot $route: //" "$tmp/cli")
	got=$(member error)
	gotf=$(member field)
	[ "$field" = - ] && field=
	if [ "$code" = 400 ] && [ -n "$want" ] && [ "$got" = "$want" ] && [ "$gotf" = "$field" ] &&
		[ "$(member command)" = "$route" ]; then
		ok
	else
		bad "GET /api/v1/$route?$query: $code '$got' (field '$gotf'), CLI says '$want' (field '$field')"
	fi
done <"$tmp/cases"

# parameters the server refuses: files, threads, unknown names, bad flags
refuse() { # path, field, message
	code=$(get "$1")
	if [ "$code" = 400 ] && [ "$(member field)" = "$2" ] && [ "$(member error)" = "$3" ]; then
		ok
	else
		bad "GET $1: $code, field '$(member field)', '$(member error)'"
	fi
}
refuse '/api/v1/machines?catalog=/etc/passwd' catalog '--catalog: names a file, which the server does not read'
refuse '/api/v1/network?data_dir=/' data_dir '--data-dir: names a file, which the server does not read'
refuse '/api/v1/hashprice?threads=2' threads '--threads: chosen by the server (hashpivot serve --threads)'
refuse '/api/v1/hashprice?price=1' price 'price: not a parameter of /api/v1/hashprice'
refuse '/api/v1/breakeven?all=maybe' all "--all: must be 1, true, 0 or false, got 'maybe'"
code=$(req POST '/api/v1/simulate?out=%2Ftmp%2Fx')
check "POST simulate?out= is 400 naming out" '[ "$code" = 400 ] && [ "$(member field)" = out ]'
code=$(req POST '/api/v1/simulate?trace=0')
check "POST simulate?trace= is 400" '[ "$code" = 400 ] && [ "$(member field)" = trace ]'

# --- POST /api/v1/fleet: every example, as the CLI does it --------------
for f in examples/*.json; do
	code=$(req POST /api/v1/fleet "$f")
	"$bin" fleet --scenario "$f" --json >"$tmp/cli" 2>"$tmp/clierr"
	rc=$?
	if grep -q '"power_price_file"' "$f"; then
		# a file reference: refused, named, nothing read
		field=$(member field)
		case "$field:$(member error)" in
		sites*.power_price_file:*"a file reference is not allowed here"*) ok ;;
		*) bad "POST fleet $f: $code, field '$field', '$(member error)'" ;;
		esac
		continue
	fi
	if [ "$rc" = 0 ]; then
		check "POST fleet $f equals fleet --json" '[ "$code" = 200 ] && cmp -s "$tmp/body" "$tmp/cli"'
	else
		check "POST fleet $f: the CLI's error" '[ "$code" = 400 ] && [ "$(member error)" = "$(sed '\''s/^hashpivot fleet: //'\'' "$tmp/clierr")" ]'
	fi
done

# --- the bad-input catalogue through the API ----------------------------
# Each tests/bad/<dir>/NAME.json POSTed gives 400 (at once, or as the
# job's error) with NAME.err as the message; the catalogue's file name in a
# message reads "scenario" (the body has no file name), and a scenario
# that names a file gets the server's refusal instead.
job_error() { # job id -> the error message of a failed job in $tmp/body
	n=0
	while [ $n -lt 200 ]; do
		get "/api/v1/jobs/$1" >/dev/null
		st=$(member status)
		case $st in done | failed | cancelled) break ;; esac
		sleep 0.05
		n=$((n + 1))
	done
	sed -n 's/^    "error": "\(.*\)",$/\1/p' "$tmp/body" | head -n 1 | sed 's/\\"/"/g; s/\\\\/\\/g'
}
catalogue() { # dir route query
	for errfile in tests/bad/$1/*.err; do
		input=${errfile%.err}.json
		[ -f "$input" ] || continue
		code=$(req POST "/api/v1/$2?$3" "$input")
		if [ "$code" = 202 ]; then
			got=$(job_error "$(member job)")
		elif [ "$code" = 400 ]; then
			got=$(member error)
		else
			bad "POST $2 $input: status $code"
			continue
		fi
		want=$(sed "s|^$input|scenario|" "$errfile")
		if grep -q '"[a-z_]*file" *:\|"history" *:' "$input"; then
			case $got in *"a file reference is not allowed here"*) ok ;;
			*) bad "POST $2 $input: '$got', expected the file refusal" ;; esac
		elif [ "$got" = "$want" ]; then
			ok
		else
			bad "POST $2 $input: '$got', expected '$want'"
		fi
	done
}
catalogue scenario fleet ''
catalogue pivot pivot 'paths=2'
catalogue simulate simulate 'paths=2&years=0.1'
catalogue pivot-only pivot 'paths=2'
catalogue simulate-only simulate 'paths=2&years=0.1'

# --- jobs: the CLI's result, whatever the threads -----------------------
wait_job() { # id [tries] -> final status; $tmp/body holds the job
	n=0
	while [ $n -lt "${2:-600}" ]; do
		get "/api/v1/jobs/$1" >/dev/null
		st=$(member status)
		case $st in done | failed | cancelled) echo "$st"; return ;; esac
		sleep 0.05
		n=$((n + 1))
	done
	echo timeout
}
# the job's "result", indented one level inside the job: as printed alone
result() { sed -n '/^  "result": /,$p' "$tmp/body" | sed '1s/^  "result": //; $d; s/^  //'; }
job_same() { # route, query, body file or "", CLI arguments...
	route=$1 query=$2 body=$3
	shift 3
	code=$(req POST "/api/v1/$route?$query" "$body")
	id=$(member job)
	if [ "$code" != 202 ] || [ "$(member href)" != "/api/v1/jobs/$id" ] ||
		[ "$(member status)" != queued ]; then
		bad "POST $route?$query: status $code"
		return
	fi
	st=$(wait_job "$id")
	result >"$tmp/result"
	"$bin" "$@" --threads 1 --json >"$tmp/cli" 2>/dev/null
	if [ "$st" = done ] && [ "$(number progress)" = 1.0 ] && cmp -s "$tmp/result" "$tmp/cli"; then
		ok
	else
		bad "job $route?$query: $st, result differs from '$* --json'"
	fi
}
job_same simulate 'paths=24&years=1&seed=7' '' simulate --paths 24 --years 1 --seed 7
job_same simulate 'paths=12&years=0.5&every=7&block_level=1' data/scenarios/epoch5.json \
	simulate --scenario data/scenarios/epoch5.json --paths 12 --years 0.5 --every 7 --block-level
job_same pivot 'paths=300&seed=5' examples/mara-like.json pivot --scenario examples/mara-like.json --paths 300 --seed 5
job_same pivot 'paths=200' examples/iren-like.json pivot --scenario examples/iren-like.json --paths 200
job_same treasury 'paths=200&seed=3' examples/mara-like.json treasury --scenario examples/mara-like.json --paths 200 --seed 3

# budgets: refused at once, naming the option
code=$(req POST '/api/v1/simulate?paths=1000000&years=5')
check "simulate over the path-days budget is 400 on --paths" '[ "$code" = 400 ] && [ "$(member field)" = paths ]'
code=$(req POST '/api/v1/simulate?paths=10&years=20')
check "simulate over the days limit is 400 on --years" '[ "$code" = 400 ] && [ "$(member field)" = years ]'
code=$(req POST '/api/v1/pivot?paths=1000000' examples/mara-like.json)
check "pivot over the path-months budget is 400 on --paths" '[ "$code" = 400 ] && [ "$(member field)" = paths ]'

# unknown jobs
check "GET an unknown job is 404" '[ "$(get /api/v1/jobs/0123456789abcdef0123456789abcdef)" = 404 ]'
check "GET a malformed job id is 404" '[ "$(get /api/v1/jobs/..%2F..%2Fetc)" = 404 ]'
check "DELETE an unknown job is 404" '[ "$(req DELETE /api/v1/jobs/0123456789abcdef0123456789abcdef)" = 404 ]'

# a finished job: DELETE removes it
code=$(req POST '/api/v1/simulate?paths=2&years=0.1')
id=$(member job)
wait_job "$id" >/dev/null
code=$(req DELETE "/api/v1/jobs/$id")
check "DELETE a finished job removes it" '[ "$code" = 200 ] && [ "$(get "/api/v1/jobs/$id")" = 404 ]'

# --- routes, methods, sizes, traversal ----------------------------------
check "unknown API route is 404" '[ "$(get /api/v1/nope)" = 404 ]'
# found by fuzz_server: a route or value that is not UTF-8 is echoed with '?'
# for each bad byte (the error member was missing: jansson refuses it)
check "a route that is not UTF-8: 404 naming it" '[ "$(get /api/v1/no%FF%C3)" = 404 ] && [ "$(member error)" = "/api/v1/no??: no such route" ]'
check "a value that is not UTF-8: 400 naming it" '[ "$(get "/api/v1/subsidy?height=4%E2%82")" = 400 ] && member error | grep -q "^--height: .*4??"'
check "unknown path is 404" '[ "$(get /nope.html)" = 404 ]'
check "curtail is not offered" '[ "$(get '\''/api/v1/curtail?prices=x'\'')" = 404 ]'
check "POST on a GET route is 405" '[ "$(req POST /api/v1/hashprice)" = 405 ]'
check "GET on a POST route is 405" '[ "$(get /api/v1/fleet)" = 405 ]'
check "PUT on a job is 405" '[ "$(req PUT /api/v1/jobs/0123456789abcdef0123456789abcdef)" = 405 ]'
check "version" '[ "$(get /api/v1/version)" = 200 ] && [ "$(member version)" = "$("$bin" --version | cut -d'\'' '\'' -f2)" ]'
for p in /../etc/passwd /%2e%2e/%2e%2e/etc/passwd /..%2f..%2fetc%2fpasswd //etc/passwd \
	/static/../../etc/passwd /%2e%2e%2fsrc%2fcli%2fserver.c /Makefile /data/machines.csv; do
	code=$(curl -s --path-as-is -o "$tmp/body" -w '%{http_code}' "$base$p")
	if [ "$code" = 404 ] && ! grep -q 'root:\|#include\|hashrate' "$tmp/body"; then
		ok
	else
		bad "GET $p: $code"
	fi
done
code=$(get /chart.min.js)
check "GET /chart.min.js is the embedded Chart.js" '[ "$code" = 200 ] && [ "$(wc -c <"$tmp/body")" -gt 100000 ] && grep -q '\''Chart'\'' "$tmp/body"'
code=$(get /)
if [ -f web/index.html ]; then
	check "GET / is web/index.html" '[ "$code" = 200 ] && cmp -s "$tmp/body" web/index.html'
else
	check "GET / without web/index.html is 404" '[ "$code" = 404 ]'
fi
head -c 1048577 /dev/zero | tr '\0' ' ' >"$tmp/big"
check "a body of 1 MiB + 1 is 413" '[ "$(req POST /api/v1/fleet "$tmp/big")" = 413 ]'
code=$(curl -s -o "$tmp/body" -w '%{http_code}' -X POST -H 'Transfer-Encoding: chunked' \
	--data-binary "@$tmp/big" "$base/api/v1/fleet")
check "a chunked body over 1 MiB is 413" '[ "$code" = 413 ]'
# found by fuzz_server: two lengths frame the body two ways (RFC 9112 6.3)
printf '{}' >"$tmp/two"
code=$(curl -s -o "$tmp/body" -w '%{http_code}' -X POST -H 'Content-Length: 2' \
	-H 'content-length: 9' --data-binary "@$tmp/two" "$base/api/v1/fleet")
check "two Content-Length headers are 400" '[ "$code" = 400 ] && [ "$(member error)" = "Content-Length: given 2 times" ]'
head -c 1048576 /dev/zero | tr '\0' ' ' >"$tmp/cap"
code=$(req POST /api/v1/fleet "$tmp/cap")
check "a body of exactly 1 MiB is read (and is bad JSON: 400)" '[ "$code" = 400 ] && [ "$(member field)" = scenario ]'

# --- concurrency: 429, cancel, SIGTERM ----------------------------------
long='/api/v1/simulate?paths=20000&years=5'
code=$(req POST "$long")
a=$(member job)
code2=$(req POST "$long")
b=$(member job)
check "two long jobs start" '[ "$code" = 202 ] && [ "$code2" = 202 ]'
check "a third job is 429 (--max-jobs 2)" '[ "$(req POST '\''/api/v1/simulate?paths=2&years=0.1'\'')" = 429 ]'
# running, with progress
n=0
while [ $n -lt 100 ]; do
	get "/api/v1/jobs/$a" >/dev/null
	[ "$(member status)" = running ] && break
	sleep 0.05
	n=$((n + 1))
done
check "a long job runs" '[ "$(member status)" = running ]'
code=$(req DELETE "/api/v1/jobs/$a")
check "DELETE cancels" '[ "$code" = 200 ] && [ "$(member status)" = cancelled ]'
# its thread ends within a fraction of a second: a new job fits again
n=0
while [ $n -lt 40 ]; do
	code=$(req POST '/api/v1/simulate?paths=2&years=0.1')
	[ "$code" = 202 ] && break
	sleep 0.05
	n=$((n + 1))
done
check "a cancelled job frees its slot within 2 s" '[ "$code" = 202 ]'
get "/api/v1/jobs/$a" >/dev/null
p1=$(number progress)
sleep 0.3
get "/api/v1/jobs/$a" >/dev/null
check "a cancelled job stays cancelled and makes no progress" '[ "$(member status)" = cancelled ] && [ "$(number progress)" = "$p1" ]'

# SIGTERM while job b runs: exit 0, promptly
get "/api/v1/jobs/$b" >/dev/null
check "the other long job still runs" '[ "$(member status)" = running ]'
kill -TERM "$pid"
n=0
while kill -0 "$pid" 2>/dev/null && [ $n -lt 100 ]; do
	sleep 0.05
	n=$((n + 1))
done
if kill -0 "$pid" 2>/dev/null; then
	bad "SIGTERM: still running after 5 s"
	kill -KILL "$pid"
	wait "$pid"
else
	wait "$pid"
	rc=$?
	check "SIGTERM during a job: exit 0 (after $n x 50 ms)" '[ "$rc" = 0 ]'
fi
pid=
check "the log says it stopped" 'grep -q '\''^hashpivot serve: stopped$'\'' "$tmp/log"'
# one access-log line per request answered, never a query value or a body
lines=$(grep -c '^[0-9-]*T[0-9:]*Z 127\.0\.0\.1 [A-Z]* /[^ ?]* [0-9]* [0-9]* [0-9.]*ms' "$tmp/log")
check "access log lines ($lines)" '[ "$lines" -gt 100 ]'
check "no query values in the log" '! grep -q "price_usd=\\|87654" "$tmp/log"'

echo "api: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
