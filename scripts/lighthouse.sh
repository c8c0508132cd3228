#!/usr/bin/env bash
# Lighthouse (mobile) on the wallet, the scanner (camera running) and the console, each signed in, against a fresh
# `checkpass serve --demo` (docs/PERFORMANCE.md, "The pages"). Needs Debian's chromium and npm; installs Lighthouse
# into tools/browser. Reports go to target/lighthouse/ (one JSON per page and summary.json). About a minute.
#   scripts/lighthouse.sh [RUNS]     # RUNS (default 3) runs; the summary of each is printed, take the median
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
runs="${1:-3}"
[ -d tools/browser/node_modules/lighthouse ] || npm ci --prefix tools/browser --no-audit --no-fund --loglevel=error

data="$(mktemp -d /tmp/checkpass-lighthouse.XXXXXX)"
log="$data/serve.log"
./checkpass serve --demo --demo-persons 200 --data "$data" --host 127.0.0.1 --port 0 --sip-port 0 >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 240); do
  grep -q 'demo sign-in' "$log" && break
  kill -0 "$server" 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.5
done
base="$(sed -n 's/^checkpass serving at \(http[^ ]*\).*/\1/p' "$log" | head -n 1)"
holder="$(sed -n 's/.*demo sign-in: \([^,]*\), born \([0-9-]*\).*/\1 \2/p' "$log" | head -n 1)"
[ -n "$base" ] && [ -n "$holder" ] || { echo "lighthouse.sh: serve --demo printed no address or holder" >&2; cat "$log" >&2; exit 1; }
for run in $(seq 1 "$runs"); do
  echo "run $run of $runs"
  # shellcheck disable=SC2086
  node tools/browser/lighthouse.mjs "$base" "$data" $holder "target/lighthouse/run-$run"
done
