#!/bin/sh
# Install into a scratch prefix and use it as a user would: the installed
# binary finds its data (../share/hashpivot), and a program compiled with
# `pkg-config --cflags --libs hashpivot` links the shared library and runs.
# Prints "install: 1 passed, 0 failed" or the reason it failed.
set -u
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
prefix="$tmp/prefix"
fail() {
	echo "install test: $*"
	echo "install: 0 passed, 1 failed"
	exit 1
}
make -s install PREFIX="$prefix" >"$tmp/log" 2>&1 || fail "make install failed: $(tail -3 "$tmp/log")"
for f in bin/hashpivot lib/libhashpivot.a lib/libhashpivot.so lib/pkgconfig/hashpivot.pc \
	include/hashpivot/consensus.h share/hashpivot/btc_difficulty_epochs.csv \
	share/hashpivot/machines.csv; do
	[ -e "$prefix/$f" ] || fail "missing $f"
done
out=$(env -u HASHPIVOT_DATA_DIR "$prefix/bin/hashpivot" network --height 840000 --json) ||
	fail "installed hashpivot network failed"
echo "$out" | grep -q '"subsidy_sats": 312500000' || fail "unexpected network output"
out=$(env -u HASHPIVOT_DATA_DIR "$prefix/bin/hashpivot" machines --json) ||
	fail "installed hashpivot machines failed"
echo "$out" | grep -q '"count": 58' || fail "unexpected machines output"
cat >"$tmp/use.c" <<'C'
#include <stdio.h>
#include <hashpivot/consensus.h>
int main(void)
{
	struct hp_retarget r;
	hp_consensus_retarget(hp_consensus_params(HP_NET_MAIN), 0x1d00ffff, 1261130161,
			      1262152739, &r);
	printf("%08x %s\n", r.bits, hp_version());
	return r.bits != 0x1d00d86a;
}
C
PKG_CONFIG_PATH="$prefix/lib/pkgconfig" cc -o "$tmp/use" "$tmp/use.c" \
	$(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs hashpivot) \
	>"$tmp/log" 2>&1 || fail "compiling against the installed library failed: $(tail -3 "$tmp/log")"
LD_LIBRARY_PATH="$prefix/lib" "$tmp/use" >"$tmp/out" || fail "program linked to libhashpivot.so failed"
grep -q '^1d00d86a 0.1.0$' "$tmp/out" || fail "unexpected output: $(cat "$tmp/out")"
echo "install: 1 passed, 0 failed"
