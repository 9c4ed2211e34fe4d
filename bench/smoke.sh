#!/usr/bin/env bash
# A small load run for CI: starts pairroom on a fresh SQLite file, drives
# timer commands at many rooms and at one crowded room, checks per-second
# ticks, and fails (exit 1) if any expected event is lost.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PORT="${PORT:-18380}"
cargo build --release --bins
tmp="$(mktemp -d /tmp/pairroom-smoke.XXXXXX)"
target/release/pairroom serve --listen "127.0.0.1:$PORT" \
    --database-url "sqlite://$tmp/smoke.db" --max-streams 6000 --max-streams-per-room 3000 \
    >"$tmp/server.log" 2>&1 &
server=$!
trap 'kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$tmp"' EXIT

for _ in $(seq 100); do
    if (echo >"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then break; fi
    sleep 0.1
done

bench=(target/release/pairroom-bench)
url="http://127.0.0.1:$PORT"
echo "== 500 rooms x 2 streams, 1000 commands"
"${bench[@]}" pairroom --url "$url" --rooms 500 --streams-per-room 2 --rounds 2 --rate 250 \
    --server-pid "$server" --timeout-secs 60
echo "== 1 room x 2000 streams, 5 commands"
"${bench[@]}" pairroom --url "$url" --rooms 1 --streams-per-room 2000 --rounds 5 --rate 2 \
    --server-pid "$server" --timeout-secs 60
echo "== ticks: 100 rooms x 10 streams"
"${bench[@]}" ticks --url "$url" --rooms 100 --streams-per-room 10 --window-secs 3 \
    --server-pid "$server" --timeout-secs 60
echo "bench smoke: every event delivered"
