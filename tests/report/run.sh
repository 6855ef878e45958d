#!/bin/sh
# The HTML reports (docs/report.md), from the outside:
#  - each command's report is written whole (no temporary file left), holds
#    the command's --json output byte for byte (the hp-result block, with
#    the "<\/" escape undone) and no reference that would load anything
#    from a network (src=, href=, url() or @import of http://, https:// or
#    //): the scanner is first shown to catch planted references;
#  - in headless Chromium (when /usr/bin/chromium is there; otherwise the
#    browser checks are skipped with a message), opened as file:// with a
#    proxy to nowhere so that any request would fail: every chart container
#    has data-drawn="1", the report says it is ready and has its sections,
#    and a screenshot is kept in <build>/test-out/report-*.png.
# Usage: tests/report/run.sh path/to/hashpivot  (from the top of the tree)
# Ends with "report: N passed, N failed".
bin=${1:?usage: tests/report/run.sh path/to/hashpivot}
out=$(dirname "$bin")/test-out
mkdir -p "$out" || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0
chromium=${CHROMIUM:-/usr/bin/chromium}

pass() { passed=$((passed + 1)); }
fail() {
	failed=$((failed + 1))
	echo "FAIL $*"
}

# Lines of $1 that would load something from a network.
external_refs() {
	grep -Eio "(src|href)[[:space:]]*=[[:space:]]*[\"']?[[:space:]]*(https?:)?//[^\"' >]*|url\([[:space:]]*[\"']?[[:space:]]*(https?:)?//[^)]*|@import[^;]*(https?:)?//[^;]*" "$1"
}

# the scanner itself must see what it is for
printf '<p>x</p>\n<img src="https://example.org/a.png">\n' >"$tmp/planted1.html"
printf '<style>a{background:url( //example.org/b.png)}</style>\n' >"$tmp/planted2.html"
printf "<link href='http://example.org/c.css'>\n" >"$tmp/planted3.html"
printf '<style>@import "https://example.org/d.css";</style>\n' >"$tmp/planted4.html"
for p in 1 2 3 4; do
	if [ -n "$(external_refs "$tmp/planted$p.html")" ]; then pass; else fail "scanner missed planted$p"; fi
done

# The embedded --json document of report $1 (its two escapes undone).
embedded_result() {
	sed -n '/^<script type="application\/json" id="hp-result">$/,/^<\/script>$/p' "$1" |
		sed '1d;$d' | sed -e 's|<\\/|</|g' -e 's|\\u003c!--|<!--|g'
}

# check NAME ARGS...: --report and --json agree, the file is clean
check() {
	name=$1
	shift
	html=$out/report-$name.html
	rm -f "$html"
	"$bin" "$@" --report "$html" --json >"$tmp/$name.json" 2>"$tmp/$name.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		fail "$name: exit $rc: $(head -c 300 "$tmp/$name.err")"
		return 1
	fi
	if [ -s "$html" ] && [ -z "$(ls "$out" | grep "report-$name.html.tmp")" ]; then
		pass
	else
		fail "$name: no report, or a temporary file left"
		return 1
	fi
	# the --json output of a run without --report, and the report's copy
	"$bin" "$@" --json >"$tmp/$name.plain.json" 2>/dev/null
	embedded_result "$html" >"$tmp/$name.embedded.json"
	if [ -s "$tmp/$name.plain.json" ] && cmp -s "$tmp/$name.plain.json" "$tmp/$name.embedded.json" &&
		cmp -s "$tmp/$name.plain.json" "$tmp/$name.json"; then
		pass
	else
		fail "$name: the embedded result differs from --json"
		diff "$tmp/$name.plain.json" "$tmp/$name.embedded.json" | head -n 5
	fi
	refs=$(external_refs "$html")
	if [ -z "$refs" ]; then pass; else fail "$name: external references: $refs"; fi
	return 0
}

# browser NAME MIN_CHARTS [screenshot]: draw it offline and look at the DOM
browser() {
	html=$out/report-$1.html
	dom=$tmp/$1.dom
	[ -s "$html" ] || return 0
	flags="--headless=new --no-sandbox --disable-gpu --hide-scrollbars
		--proxy-server=127.0.0.1:9 --proxy-bypass-list=<-loopback>
		--virtual-time-budget=10000 --user-data-dir=$tmp/profile-$1"
	# shellcheck disable=SC2086 # the flags are words on purpose
	timeout 180 "$chromium" $flags --dump-dom "file://$(cd "$(dirname "$html")" && pwd)/$(basename "$html")" \
		>"$dom" 2>"$tmp/$1.chromium.err"
	charts=$(grep -o '<div id="chart-[0-9]*" class="hp-chart[^"]*"[^>]*>' "$dom")
	n=$(printf '%s\n' "$charts" | grep -c 'id="chart-')
	drawn=$(printf '%s\n' "$charts" | grep -c 'data-drawn="1"')
	if [ "$n" -ge "$2" ] && [ "$n" -eq "$drawn" ]; then
		pass
	else
		fail "$1: $drawn of $n charts drawn (at least $2 expected)"
	fi
	ok=1
	for id in 'data-report="ready"' 'id="question"' 'id="the-answer"' 'id="figures"' \
		'id="assumptions"' 'id="reproduce"' 'id="command-line"'; do
		grep -q "$id" "$dom" || { ok=0; echo "  $1: missing $id"; }
	done
	grep -q 'id="report-error"' "$dom" && { ok=0; echo "  $1: $(grep -o 'id="report-error"[^<]*' "$dom")"; }
	if [ $ok = 1 ]; then pass; else fail "$1: sections"; fi
	[ -n "$3" ] || return 0
	png=$out/report-$1.png
	rm -f "$png"
	# shellcheck disable=SC2086
	timeout 180 "$chromium" $flags --window-size=1280,4000 --screenshot="$png" \
		"file://$(cd "$(dirname "$html")" && pwd)/$(basename "$html")" >/dev/null 2>&1
	if [ -s "$png" ] && [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; then
		pass
	else
		fail "$1: no PNG screenshot in $png"
	fi
}

net="--bits 170240c3 --height 953568 --fees-btc 0.025 --price-usd 87654.32"
# shellcheck disable=SC2086
check breakeven-all breakeven --all $net
# shellcheck disable=SC2086
check breakeven-one breakeven --machine 'Antminer S21' $net --machine-price-usd 3000
check fleet fleet --scenario examples/listed-miner.json
# a name that would end the data's <script> element, or open a comment in it
sed 's|"name": "Small private miner"|"name": "Evil </script><script>alert(1)</script> <!-- miner"|' \
	examples/small-miner.json >"$tmp/evil-scenario.json"
check evil fleet --scenario "$tmp/evil-scenario.json"
if [ "$(grep -c '</script>' "$out/report-evil.html")" -eq 5 ] && ! grep -q '<!--' "$out/report-evil.html"; then
	pass
else
	fail "evil: the scenario's name is not escaped in the data"
fi
check pivot pivot --scenario examples/mara-like.json --paths 200 --threads 2
check treasury treasury --scenario examples/mara-like.json --paths 200 --threads 2
check epoch5 simulate --paths 200 --years 1 --threads 2
# one history rather than quantiles: lines, not fans
check backtest backtest --scenario examples/small-miner.json --from 2024-05-01 --to 2024-12-31
# --every coarser than the report's month: the finer series go in as extra
check epoch5-yearly simulate --paths 50 --years 2 --every 365 --threads 2
if grep -q '"every_days": 30' "$out/report-epoch5-yearly.html"; then pass; else fail "epoch5-yearly: no monthly series"; fi

# hashpivot report: the same result as --report, the command line it ran, and
# it says where the file is
if "$bin" report --out "$tmp/via-report.html" fleet --scenario examples/listed-miner.json \
	>"$tmp/via.out" && [ "$(cat "$tmp/via.out")" = "report written to $tmp/via-report.html" ] &&
	embedded_result "$tmp/via-report.html" | cmp -s - "$tmp/fleet.plain.json" &&
	grep -q "hashpivot fleet --scenario examples/listed-miner.json --report $tmp/via-report.html" \
		"$tmp/via-report.html"; then
	pass
else
	fail "hashpivot report --out: not the result of fleet --report, or not where it says"
fi
# ... and an error leaves nothing behind
"$bin" report --out "$tmp/bad.html" pivot --scenario examples/mara-like.json --paths 0 2>/dev/null
if [ $? -eq 2 ] && [ -z "$(ls "$tmp" | grep '^bad\.html')" ]; then pass; else fail "a failed run left a report"; fi

if [ -x "$chromium" ]; then
	browser breakeven-all 3 png
	browser breakeven-one 1
	browser fleet 3
	browser evil 2
	grep -q 'Evil &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &lt;!-- miner' "$tmp/evil.dom" &&
		pass || fail "evil: the name is not shown as text"
	browser pivot 8 png
	browser treasury 6
	browser epoch5 25 png
	browser epoch5-yearly 25
	browser backtest 8 png
else
	echo "report: browser checks skipped: no $chromium (apt-get install chromium)"
fi
echo "report: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
