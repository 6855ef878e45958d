#!/bin/sh
# CLI golden tests (after jq's tests/jq.test): each tests/cli/*.test file
# holds cases of the form
#
#   ### what the case checks
#   $ <arguments to hashpivot, shell-quoted>
#   > exit <status>
#   <expected standard output, line for line>
#   ! <expected standard error line>        (any number, in order)
#
# An expected output line consisting of a single "." stands for an empty line.
# A case ends at the next "###" or at the end of the file; blank lines and
# lines starting with "#" (but not "###") between cases are ignored.
# Usage: tests/cli/run.sh BIN [FILE.test ...]
# Prints each failure with a diff, then "cli: N passed, N failed".
# HP_WRAP, when set, is a command the binary runs under (split on blanks),
# e.g. HP_WRAP="valgrind -q --error-exitcode=99" (make valgrind-check);
# HP_JOBS=N runs the files N at a time.
bin=$1
shift
[ $# -eq 0 ] && set -- tests/cli/*.test
if [ "${HP_JOBS:-1}" -gt 1 ] && [ $# -gt 1 ]; then
	logs=$(mktemp -d) || exit 1
	trap 'rm -rf "$logs"' EXIT
	printf '%s\n' "$@" | xargs -P "$HP_JOBS" -I{} sh -c \
		'HP_JOBS=1 sh "$0" "$1" "$2" >"$3/$(basename "$2").log" 2>&1' "$0" "$bin" {} "$logs"
	cat "$logs"/*.log | grep -v '^cli: [0-9]* passed'
	p=$(cat "$logs"/*.log | sed -n 's/^cli: \([0-9]*\) passed.*/\1/p' | awk '{s += $1} END {print s + 0}')
	f=$(cat "$logs"/*.log | sed -n 's/^cli: [0-9]* passed, \([0-9]*\) failed/\1/p' | awk '{s += $1} END {print s + 0}')
	n=$(cat "$logs"/*.log | grep -c '^cli: [0-9]* passed')
	# a file whose run died without its summary line counts as a failure
	[ "$n" -eq $# ] || f=$((f + $# - n))
	echo "cli: $p passed, $f failed"
	[ "$f" -eq 0 ]
	exit
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

run_case() {
	[ -n "$name" ] || return 0
	eval "set -- $args"
	# shellcheck disable=SC2086
	$HP_WRAP "$bin" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	ok=1
	[ "$rc" = "$want_rc" ] || ok=0
	cmp -s "$tmp/out" "$tmp/want_out" || ok=0
	cmp -s "$tmp/err" "$tmp/want_err" || ok=0
	if [ $ok = 1 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL $file: $name"
		echo "  \$ hashpivot $args"
		[ "$rc" = "$want_rc" ] || echo "  exit $rc, expected $want_rc"
		diff -u "$tmp/want_out" "$tmp/out" | sed 's/^/  /' | tail -n +3
		diff -u "$tmp/want_err" "$tmp/err" | sed 's/^/  /' | tail -n +3
	fi
	name=""
}

for file in "$@"; do
	name=""
	while IFS= read -r line || [ -n "$line" ]; do
		case $line in
		"### "*)
			run_case
			name=${line#"### "}
			args=""
			want_rc=0
			: >"$tmp/want_out"
			: >"$tmp/want_err"
			;;
		"\$ "*) args=${line#"\$ "} ;;
		"> exit "*) want_rc=${line#"> exit "} ;;
		"! "*) printf '%s\n' "${line#"! "}" >>"$tmp/want_err" ;;
		"") ;;
		".") [ -n "$name" ] && echo >>"$tmp/want_out" ;;
		"#"*) ;;
		*) [ -n "$name" ] && printf '%s\n' "$line" >>"$tmp/want_out" ;;
		esac
	done <"$file"
	run_case
done
echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
