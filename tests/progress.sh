#!/bin/sh
# The progress bar of long commands (simulate, pivot, treasury): on stderr
# with --progress or when stderr is a terminal, never when piped; it never
# changes stdout.
# Usage: tests/progress.sh path/to/hashpivot   (from the top of the tree)
bin=$1
tmp=${TMPDIR:-/tmp}/hp-progress.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "progress: FAIL: $1"; }

sim="simulate --paths 40 --years 0.2 --threads 1 --json"
piv="pivot --scenario examples/iren-like.json --paths 40 --threads 1 --json"
trs="treasury --scenario tests/data/pivot/flat.json --paths 20 --threads 1 --json"

for c in "$sim" "$piv" "$trs"; do
	name=${c%% *}
	# shellcheck disable=SC2086
	"$bin" $c >"$tmp/plain.out" 2>"$tmp/plain.err" || bad "$name exit"
	[ -s "$tmp/plain.err" ] && bad "$name: stderr not empty when piped" || ok
	# shellcheck disable=SC2086
	"$bin" $c --progress >"$tmp/bar.out" 2>"$tmp/bar.err" || bad "$name --progress exit"
	cmp -s "$tmp/plain.out" "$tmp/bar.out" && ok || bad "$name: --progress changed stdout"
	# the last redraw is the full bar at 100 % with its ETA, then a newline
	last=$(tr '\r' '\n' <"$tmp/bar.err" | grep -v '^$' | tail -n 1)
	case $last in
	"$name [##############################] 100%  ETA 0s"*) ok ;;
	*) bad "$name: last progress line '$last'" ;;
	esac
	[ "$(tail -c 1 "$tmp/bar.err" | od -An -c | tr -d ' ')" = '\n' ] && ok ||
		bad "$name: the bar does not end with a newline"
	# a partial redraw shows a percentage below 100 and an ETA
	tr '\r' '\n' <"$tmp/bar.err" | grep -q "^$name \[#*\.*\]  *[0-9][0-9]*%  ETA [0-9]*s" &&
		ok || bad "$name: no partial bar"
done

# On a terminal the bar appears without --progress (script(1) gives the
# command a pseudo-terminal).
if command -v script >/dev/null 2>&1; then
	script -qec "$bin $sim" /dev/null >"$tmp/tty.out" 2>&1
	grep -q "simulate \[##############################\] 100%" "$tmp/tty.out" && ok ||
		bad "simulate: no bar on a terminal"
else
	echo "progress: script(1) not found; the terminal case is skipped"
fi

echo "progress: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
