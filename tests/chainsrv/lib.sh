# Sourced by the chain tests (tests/chainsrv/run.sh, tests/sync/*.sh):
# counting, the fixtures and the chain test server.
#   needs: $tag (the suite's name), $tmp (a scratch directory), $tools (the
#   build directory's tests/, holding chainsrv and mkchain)
passed=0
failed=0
srv_pid=

ok() { passed=$((passed + 1)); }
bad() {
	failed=$((failed + 1))
	echo "FAIL $tag: $*"
}
check() { # name, a condition (shell text, evaluated here)
	if eval "$2"; then ok; else bad "$1"; fi
}
finish() {
	stop_chainsrv
	echo "$tag: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
# Give up on the suite (a missing tool, a server that does not start).
abort() {
	echo "$tag: $*"
	failed=$((failed + 1))
	finish
	exit 1
}

# start_chainsrv ARGS...: sets srv_pid, srv_port, srv (the base URL); log in $tmp/srv.log
start_chainsrv() {
	stop_chainsrv
	: >"$tmp/srv.log"
	"$tools/chainsrv" --port 0 "$@" 2>"$tmp/srv.log" &
	srv_pid=$!
	srv_port=
	i=0
	while [ $i -lt 200 ]; do
		srv_port=$(sed -n 's|^chainsrv: listening on http://127\.0\.0\.1:\([0-9]*\)/$|\1|p' \
			"$tmp/srv.log")
		[ -n "$srv_port" ] && break
		kill -0 "$srv_pid" 2>/dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
	if [ -z "$srv_port" ]; then
		srv_pid=
		abort "chainsrv did not start: $(cat "$tmp/srv.log")"
	fi
	srv=http://127.0.0.1:$srv_port
}
# Stop the server (SIGTERM) and wait; sets srv_rc to its exit status.
stop_chainsrv() {
	srv_rc=
	[ -n "$srv_pid" ] || return 0
	kill "$srv_pid" 2>/dev/null
	wait "$srv_pid"
	srv_rc=$?
	srv_pid=
}
# control QUERY: POST /control?QUERY; the state JSON into $tmp/control, prints the status
control() {
	curl -s -o "$tmp/control" -w '%{http_code}' -X POST "$srv/control?$1"
}
# A number member of a compact JSON object: json_num NAME FILE
json_num() { sed -n "s/.*\"$1\": *\\(-\\{0,1\\}[0-9][0-9]*\\).*/\\1/p" "$2" | head -n 1; }
# A string member: json_str NAME FILE
json_str() { sed -n "s/.*\"$1\": *\"\\([^\"]*\\)\".*/\\1/p" "$2" | head -n 1; }

# The headers of a chain file, one hex line each (comments and stats dropped).
chain_headers() { sed -e '/^#/d' -e '/^$/d' -e 's/ .*//' "$1"; }

# --- the chain database, read with the sqlite3 CLI ---------------------------
# db_dump DB: each stored block as its fixture line (header hex rebuilt from
# the stored fields, little-endian, then fees, subsidy, tx count), heights
# in order. Equal to `chain_lines FIXTURE` when the sync stored exactly it.
db_dump() {
	sqlite3 "$1" "
	SELECT printf('%02x%02x%02x%02x', version & 255, (version >> 8) & 255,
	              (version >> 16) & 255, (version >> 24) & 255)
	    || lower(hex(prev_hash)) || lower(hex(merkle_root))
	    || printf('%02x%02x%02x%02x', time & 255, (time >> 8) & 255,
	              (time >> 16) & 255, (time >> 24) & 255)
	    || printf('%02x%02x%02x%02x', bits & 255, (bits >> 8) & 255,
	              (bits >> 16) & 255, (bits >> 24) & 255)
	    || printf('%02x%02x%02x%02x', nonce & 255, (nonce >> 8) & 255,
	              (nonce >> 16) & 255, (nonce >> 24) & 255)
	    || ifnull(' ' || s.fees_sats || ' ' || s.subsidy_sats || ' ' || s.tx_count, '')
	FROM headers h LEFT JOIN block_stats s USING (height) ORDER BY height;"
}
# db_hashes DB: the stored hashes, internal byte order, heights in order.
db_hashes() { sqlite3 "$1" "SELECT lower(hex(hash)) FROM headers ORDER BY height;"; }
# db_tip DB: the highest stored height, or -1 when none (or no file).
db_tip() {
	if [ -f "$1" ]; then
		sqlite3 "$1" "SELECT ifnull(max(height), -1) FROM headers;" 2>/dev/null || echo -1
	else
		echo -1
	fi
}
# db_gapfree DB: heights run from the first to the tip without a gap.
db_gapfree() {
	[ "$(sqlite3 "$1" "SELECT count(*) = ifnull(max(height) - min(height) + 1, 0) FROM headers;")" = 1 ]
}
# chain_lines FILE [N]: the fixture's blocks (comments dropped), the first N.
chain_lines() {
	if [ -n "${2:-}" ]; then
		sed -e '/^#/d' -e '/^$/d' "$1" | head -n "$2"
	else
		sed -e '/^#/d' -e '/^$/d' "$1"
	fi
}
# chain_hashes FILE: the fixture's hashes below its tip, from each header's
# parent field (bytes 4..35 of the next header) - no hashing of our own.
chain_hashes() { chain_headers "$1" | sed 1d | cut -c9-72; }
