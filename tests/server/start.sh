# Sourced by the server tests: start `hashpivot serve --port 0` on loopback
# and learn its port from the line it prints when ready.
#   start_server TAG ARGS...   (needs $bin and $tmp; sets pid, port, base;
#                               stderr goes to $tmp/log)
# When it does not start, prints the log and "TAG: 0 passed, 1 failed" and
# exits 1.
start_server() {
	tag=$1
	shift
	: >"$tmp/log"
	"$bin" serve --port 0 "$@" 2>"$tmp/log" &
	pid=$!
	i=0
	port=
	while [ $i -lt 200 ]; do
		port=$(sed -n 's|^hashpivot serve: listening on http://127\.0\.0\.1:\([0-9]*\)/$|\1|p' "$tmp/log")
		[ -n "$port" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
	if [ -z "$port" ]; then
		echo "$tag: the server did not start:"
		cat "$tmp/log"
		echo "$tag: 0 passed, 1 failed"
		exit 1
	fi
	base=http://127.0.0.1:$port
}
