#!/bin/sh
# The page in a real browser: tests/browser/page.test.js drives Debian's
# chromium through playwright-core (from npm, pinned by package-lock.json)
# against `hashpivot serve --port 0`. Ends with "browser: N passed, N failed".
# Usage: tests/browser/run.sh path/to/hashpivot   (from the top of the tree)
# Screenshots and the server's log go to test-out/ beside the binary.
# Skipped, saying so, only when chromium is absent; node and the npm
# packages are needed otherwise (./run test installs them).
bin=${1:?usage: tests/browser/run.sh path/to/hashpivot}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export CHROMIUM
out=$(dirname "$bin")/test-out
dir=tests/browser

if [ ! -x "$CHROMIUM" ]; then
	echo "browser: SKIPPED: no chromium at $CHROMIUM (Debian package chromium; ./run test installs it)"
	echo "browser: 0 passed, 0 failed"
	exit 0
fi
if ! command -v node >/dev/null 2>&1; then
	echo "browser: node is missing (Debian packages nodejs npm; ./run test installs them)"
	echo "browser: 0 passed, 1 failed"
	exit 1
fi
if [ ! -f "$dir/node_modules/playwright-core/package.json" ]; then
	echo "browser: installing playwright-core (npm ci in $dir)"
	if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null); then
		echo "browser: npm ci failed in $dir"
		echo "browser: 0 passed, 1 failed"
		exit 1
	fi
fi
mkdir -p "$out"
node "$dir/page.test.js" "$bin" "$out"
