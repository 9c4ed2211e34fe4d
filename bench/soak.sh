#!/usr/bin/env bash
# Soak run: starts pairroom on a fresh SQLite file, holds STREAMS event
# streams for DURATION seconds while closing and opening CHURN of them a
# second and sending RATE timer commands a second, then checks that the
# server's open fds and memory come back within 10% of the baseline and that
# no event was lost. Exit code: the tool's (0 pass, 1 fail, 2 setup error).
#
#   DURATION=120 bash bench/soak.sh [--json]
#
# Environment (all optional): DURATION=120 STREAMS=2000 CHURN=50 RATE=20
# ROOMS=200 PORT (default: the first free one from 18400). Extra arguments go
# to `pairroom-bench soak`. Loopback only; the server and the temp dir are
# removed on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DURATION="${DURATION:-120}"
STREAMS="${STREAMS:-2000}"
CHURN="${CHURN:-50}"
RATE="${RATE:-20}"
ROOMS="${ROOMS:-200}"
bin="${CARGO_TARGET_DIR:-target}/release"

# Both processes hold every stream's socket, plus the churn's closing ones.
want=$((STREAMS * 2 + 1024))
if (($(ulimit -n) < want)); then ulimit -n "$want" 2>/dev/null || ulimit -n "$(ulimit -Hn)"; fi

# True when something accepts connections on 127.0.0.1:$1.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [[ -z "${PORT:-}" ]]; then
    for p in $(seq 18400 18499); do
        if ! listening "$p"; then PORT=$p; break; fi
    done
fi
: "${PORT:?no free port in 18400-18499}"

cargo build --release --bins
tmp="$(mktemp -d /tmp/pairroom-soak.XXXXXX)"
"$bin/pairroom" serve --listen "127.0.0.1:$PORT" --database-url "sqlite://$tmp/soak.db" \
    >"$tmp/server.log" 2>&1 &
server=$!
trap 'kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$tmp"' EXIT

for _ in $(seq 100); do
    if listening "$PORT"; then break; fi
    sleep 0.1
done
listening "$PORT" || { tail -20 "$tmp/server.log" >&2; exit 2; }

echo "== soak: $STREAMS streams, churn $CHURN/s, $RATE commands/s, $DURATION s (port $PORT)" >&2
rc=0
# The tool bounds itself; `timeout` is a backstop so CI never hangs here.
timeout --signal=TERM $((DURATION + 300)) "$bin/pairroom-bench" soak \
    --url "http://127.0.0.1:$PORT" --server-pid "$server" --streams "$STREAMS" \
    --churn-per-sec "$CHURN" --rate "$RATE" --rooms "$ROOMS" --duration-secs "$DURATION" \
    "$@" || rc=$?
if ((rc != 0)); then
    echo "soak: exit code $rc; last server log lines:" >&2
    tail -20 "$tmp/server.log" >&2
fi
exit "$rc"
