#!/bin/sh
# The bad-input catalogue (docs/testing.md "The bad-input catalogue").
#
# Each tests/bad/<format>/ has a `command` file: one command template a line
# (blank lines and # comments skipped), `{}` standing for the input file and
# `{out}` for an empty directory the command must leave empty. Each NAME.err
# there names one bad input, NAME.<ext> beside it or, for the large and
# binary ones, written by tests/bad/generate.sh into a temporary directory.
# Every template is run on every input; each (input, template) pair is one
# test and passes when the command exits 2, prints nothing on stdout and
# exactly one line on stderr, "hashpivot <command>: " followed by NAME.err
# (with {} in NAME.err replaced by the input's path), and creates nothing
# in {out}. For the commands that write HTML reports the same input must
# fail the same way under `hashpivot report --out {out}/r.html <command>`
# and with `--report {out}/r.html` appended, writing no report.
# The directories are shared out among HP_JOBS shards (default: the number
# of processors), each a copy of this script run with --shard K N GEN.
# Usage: tests/bad/run.sh path/to/hashpivot   (from the top of the tree)
bin=${1:?usage: tests/bad/run.sh path/to/hashpivot}
passed=0
failed=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/out" || exit 1
if [ "${2:-}" != --shard ]; then
	gen=$tmp/gen
	mkdir "$gen" || exit 1
	if ! sh tests/bad/generate.sh "$gen" >"$tmp/generate.log" 2>&1; then
		echo "FAIL tests/bad/generate.sh:"
		sed 's/^/  /' "$tmp/generate.log"
		failed=1
	fi
	jobs=${HP_JOBS:-$(nproc 2>/dev/null || echo 2)}
	k=0
	while [ "$k" -lt "$jobs" ]; do
		sh "$0" "$bin" --shard "$k" "$jobs" "$gen" >"$tmp/shard.$k" 2>&1 &
		k=$((k + 1))
	done
	wait
	for f in "$tmp"/shard.*; do
		grep -v '^bad: [0-9]* passed' "$f"
		p=$(sed -n 's/^bad: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$f")
		q=$(sed -n 's/^bad: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$f")
		passed=$((passed + ${p:-0}))
		failed=$((failed + ${q:-1}))
	done
	echo "bad: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
fi
shard=$3
shards=$4
gen=$5

# The commands that take --report FILE and `hashpivot report COMMAND`.
reports() {
	case $1 in
	simulate | pivot | fleet | breakeven | backtest | treasury) return 0 ;;
	esac
	return 1
}

# run LABEL EXPECTED ARGS...: one run of the binary; on failure prints why
# and returns 1.
run() {
	label=$1
	expected=$2
	shift 2
	rm -rf "$tmp/out" && mkdir "$tmp/out"
	"$bin" "$@" </dev/null >"$tmp/stdout" 2>"$tmp/stderr"
	rc=$?
	why=
	if [ "$rc" -ne 2 ]; then
		why="exit $rc, not 2"
	elif [ -s "$tmp/stdout" ]; then
		why="stdout not empty"
	elif [ "$(wc -l <"$tmp/stderr")" -ne 1 ]; then
		why="$(wc -l <"$tmp/stderr") lines on stderr, not 1"
	elif [ "$(cat "$tmp/stderr")" != "$expected" ]; then
		why="wrong message"
	elif [ -n "$(ls -A "$tmp/out")" ]; then
		why="wrote $(ls -A "$tmp/out" | tr '\n' ' ')"
	fi
	[ -z "$why" ] && return 0
	echo "FAIL $label: $why"
	echo "  run:      hashpivot $*"
	echo "  expected: $expected"
	echo "  got:      $(head -c 400 "$tmp/stderr" | head -n 3 | cat -v)"
	[ -s "$tmp/stdout" ] && echo "  stdout:   $(head -c 200 "$tmp/stdout" | head -n 2 | cat -v)"
	return 1
}

n=-1
for dir in tests/bad/*/; do
	dir=${dir%/}
	[ -f "$dir/command" ] || continue
	n=$((n + 1))
	[ $((n % shards)) -eq "$shard" ] || continue
	format=${dir##*/}
	grep -v '^[[:space:]]*\(#\|$\)' "$dir/command" >"$tmp/templates"
	for errfile in "$dir"/*.err; do
		[ -f "$errfile" ] || continue
		name=${errfile##*/}
		name=${name%.err}
		input=
		for f in "$dir/$name".* "$gen/$format/$name".*; do
			case $f in *.err | *'*'*) continue ;; esac
			[ -f "$f" ] && input=$f && break
		done
		if [ -z "$input" ]; then
			failed=$((failed + 1))
			echo "FAIL $dir/$name: no input file beside $errfile nor from generate.sh"
			continue
		fi
		while IFS= read -r line; do
			template=${line%% => *}
			prefix=
			[ "$template" != "$line" ] && prefix="${line#* => }: "
			path=$input
			wrapper=$(printf '%s' "$template" | sed -n 's/.*{scenario:\([^}]*\)}.*/\1/p')
			if [ -n "$wrapper" ]; then
				# a scenario naming the input by its absolute path
				case $input in /*) path=$input ;; *) path=$PWD/$input ;; esac
				sed "s|@INPUT@|$path|g" "$dir/$wrapper" >"$tmp/wrapped.json"
				template=$(printf '%s' "$template" | sed "s|{scenario:[^}]*}|$tmp/wrapped.json|")
			fi
			args=$(printf '%s' "$template" | sed -e "s|{}|$input|g" -e "s|{out}|$tmp/out|g")
			case $args in
			@*) args=$(sed "s|{out}|$tmp/out|g" "$input") ;; # tests/bad/args: the file is the command line
			esac
			cmd=${args%% *}
			expected="hashpivot $cmd: $prefix$(sed "s|{}|$path|g" "$errfile")"
			label="$input | $cmd"
			ok=true
			# shellcheck disable=SC2086 # the template is split into words on purpose
			run "$label" "$expected" $args || ok=false
			if $ok && reports "$cmd"; then
				# shellcheck disable=SC2086
				run "$label (hashpivot report)" "$expected" report --out "$tmp/out/r.html" $args ||
					ok=false
				# shellcheck disable=SC2086
				$ok && { run "$label (--report)" "$expected" $args --report "$tmp/out/r.html" ||
					ok=false; }
			fi
			if $ok; then
				passed=$((passed + 1))
			else
				failed=$((failed + 1))
			fi
		done <"$tmp/templates"
	done
done
# CRLF line endings and a byte order mark: accepted, and nothing changes
# (in the last shard).
[ "$shard" -eq $((shards - 1)) ] || {
	echo "bad: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}
grep -v '^\(#\|$\)' tests/bad/accept | while IFS='|' read -r file template; do
	ext=${file##*.}
	sed 's/$/\r/' "$file" >"$tmp/crlf.$ext"
	{ printf '\357\273\277'; cat "$file"; } >"$tmp/bom.$ext"
	for f in "$file" "$tmp/crlf.$ext" "$tmp/bom.$ext"; do
		args=$(printf '%s' "$template" | sed "s|{}|$f|g")
		# shellcheck disable=SC2086
		"$bin" $args </dev/null 2>"$tmp/stderr" | sed "s|$f|FILE|g" >"$tmp/accept.${f##*/}"
		echo "$? $(wc -c <"$tmp/stderr")" >>"$tmp/accept.${f##*/}"
	done
	for v in crlf bom; do
		if cmp -s "$tmp/accept.${file##*/}" "$tmp/accept.$v.$ext" &&
			[ "$(tail -n 1 "$tmp/accept.$v.$ext")" = "0 0" ]; then
			echo pass
		else
			echo "FAIL $file with $v: not the same output as without (${template%% *})" >&2
			diff "$tmp/accept.${file##*/}" "$tmp/accept.$v.$ext" | head -n 5 >&2
			echo fail
		fi
	done
done >"$tmp/accept.log" 2>&1
grep -v '^\(pass\|fail\)$' "$tmp/accept.log"
passed=$((passed + $(grep -c '^pass$' "$tmp/accept.log")))
failed=$((failed + $(grep -c '^fail$' "$tmp/accept.log")))
echo "bad: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
