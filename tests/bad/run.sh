#!/bin/sh
# The bad-input catalogue: every tests/bad/<format>/NAME.<ext> with a sibling
# NAME.err must make the command in tests/bad/<format>/command (the file's
# path replaces {}) exit 2 with stdout empty and exactly one stderr line,
# "hashpivot <command>: " followed by the contents of NAME.err.
# Usage: tests/bad/run.sh path/to/hashpivot   (from the top of the tree)
bin=${1:?usage: tests/bad/run.sh path/to/hashpivot}
passed=0
failed=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

for dir in tests/bad/*/; do
	[ -f "$dir/command" ] || continue
	template=$(cat "$dir/command")
	cmdname=${template%% *}
	for errfile in "$dir"*.err; do
		base=${errfile%.err}
		input=$(ls "$base".* | grep -v '\.err$' | head -n 1)
		args=$(printf '%s' "$template" | sed "s|{}|$input|")
		# shellcheck disable=SC2086 # the template is split into words on purpose
		"$bin" $args >"$tmp/out" 2>"$tmp/err"
		rc=$?
		expected="hashpivot $cmdname: $(cat "$errfile")"
		if [ "$rc" -eq 2 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
			[ "$(cat "$tmp/err")" = "$expected" ]; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
			echo "FAIL $input (exit $rc)"
			echo "  expected: $expected"
			echo "  got:      $(head -c 400 "$tmp/err")"
		fi
	done
done
echo "bad: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
