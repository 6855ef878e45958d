#!/bin/sh
# The commands that read a chain database, against a small synthetic
# mainnet database built from tests/data/chaindb/tail.sql with the sqlite3
# shell (what it holds, and why its numbers are what they are, is written
# at the top of that file). The golden cases of tests/chainuse/*.test run
# in a scratch directory holding it as chain.sqlite and the price files of
# tests/data/prices (so the output names them by relative names); $HP_TOP
# is the source tree.
# Usage: tests/chainuse.sh BIN   Prints "chainuse: N passed, N failed".
top=$(pwd)
case $1 in
/*) bin=$1 ;;
*) bin=$top/$1 ;;
esac
: "${HASHPIVOT_DATA_DIR:=$top/data}"
HP_TOP=$top
export HASHPIVOT_DATA_DIR HP_TOP
fail() {
	echo "chainuse: $1"
	echo "chainuse: 0 passed, 1 failed"
	exit 1
}
command -v sqlite3 >/dev/null 2>&1 || fail "sqlite3 (the shell) is not installed"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
sqlite3 "$tmp/chain.sqlite" <tests/data/chaindb/tail.sql >/dev/null ||
	fail "cannot build the test database"
cp tests/data/prices/*.csv "$tmp"/ || fail "cannot copy tests/data/prices"
out=$(cd "$tmp" && sh "$top/tests/cli/run.sh" "$bin" "$top"/tests/chainuse/*.test)
rc=$?
printf '%s\n' "$out" | sed "s/^cli: /chainuse: /"
exit $rc
