#!/usr/bin/env bash
# Counts the user-space instructions the server spends on a fixed load,
# with valgrind's callgrind: unlike times, the count does not depend on what
# else the machine does, so two builds can be compared on a noisy machine.
#
#   bash bench/instructions.sh [BINARY]
#
# The server (target/release/pairroom unless BINARY is given) runs under
# callgrind on a fresh SQLite file. pairroom-bench creates 500 rooms, opens
# two streams in each and waits 14 s; the counters are zeroed 9 s after the
# start (once the streams are open) and read when the tool ends, after
# 1,000 timer commands at 100 a second and their 2,000 events. The window
# thus holds the commands and about 5 idle seconds (heartbeats, timers).
# Prints instructions in the window and per command; exit code 1 if an
# event was lost. Needs valgrind (Debian: apt-get install -y valgrind).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN="${1:-target/release/pairroom}"
PORT="${PORT:-18082}"
BENCH=target/release/pairroom-bench
if [[ ! -x "$BENCH" || ( -z "${1:-}" && ! -x "$BIN" ) ]]; then
    cargo build --release --bins >&2
fi
command -v callgrind_control >/dev/null || { echo "valgrind is not installed" >&2; exit 2; }

tmp="$(mktemp -d /tmp/pairroom-instructions.XXXXXX)"
server=""
cleanup() {
    [[ -n "$server" ]] && kill -TERM "$server" 2>/dev/null && wait "$server" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

valgrind --tool=callgrind --callgrind-out-file="$tmp/callgrind.%p" \
    "$BIN" serve --listen "127.0.0.1:$PORT" --database-url "sqlite://$tmp/bench.db" \
    >"$tmp/server.log" 2>&1 &
server=$!
for _ in $(seq 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    sleep 0.1
done

"$BENCH" pairroom --url "http://127.0.0.1:$PORT" --rooms 500 --streams-per-room 2 \
    --rounds 2 --rate 100 --idle-secs 14 --drain-secs 10 --timeout-secs 200 \
    --json >"$tmp/report.json" &
bench=$!
sleep 9
callgrind_control --zero "$server" >/dev/null 2>&1
wait "$bench" || true
callgrind_control --dump "$server" >/dev/null 2>&1
sleep 1

dump="$(grep -l "Trigger: dump" "$tmp"/callgrind.* | head -1)"
python3 - "$dump" "$tmp/report.json" <<'EOF'
import json, sys
dump, report = sys.argv[1], json.load(open(sys.argv[2]))
total = next(int(l.split()[1]) for l in open(dump) if l.startswith(("summary:", "totals:")))
commands, lost = report["commands"]["ok"], report["events"]["lost"]
print(f"instructions: {total:,} in the window, {total // max(commands, 1):,} per command "
      f"({commands} commands, {lost} events lost)")
sys.exit(1 if lost or commands == 0 else 0)
EOF
