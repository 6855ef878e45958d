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
json_num() { sed -n "s/.*\"$1\":\\(-\\{0,1\\}[0-9][0-9]*\\).*/\\1/p" "$2" | head -n 1; }
# A string member: json_str NAME FILE
json_str() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" "$2" | head -n 1; }

# The headers of a chain file, one hex line each (comments and stats dropped).
chain_headers() { sed -e '/^#/d' -e '/^$/d' -e 's/ .*//' "$1"; }
