#!/usr/bin/env bash
# Starts N pairroom instances on consecutive ports, or stops them.
#
#   bash deploy/run-instances.sh 2 8081 postgres://pairroom@127.0.0.1/pairroom [flags...]
#   bash deploy/run-instances.sh stop
#
# The binary is PAIRROOM_BIN, else target/release/pairroom, else
# target/debug/pairroom. Pids go to deploy/instances.pids, logs to
# deploy/instance-PORT.log.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
pidfile="$here/instances.pids"

if [[ "${1:-}" == "stop" ]]; then
    [[ -f "$pidfile" ]] || exit 0
    pids="$(cat "$pidfile")"
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null || true
    for pid in $pids; do
        while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    done
    rm -f "$pidfile"
    exit 0
fi

if (($# < 3)); then
    echo "usage: $0 N BASE_PORT DATABASE_URL [flags...] | $0 stop" >&2
    exit 2
fi
count="$1" base="$2" database="$3"
shift 3
bin="${PAIRROOM_BIN:-}"
for candidate in "$here/../target/release/pairroom" "$here/../target/debug/pairroom"; do
    [[ -z "$bin" && -x "$candidate" ]] && bin="$candidate"
done
[[ -n "$bin" ]] || { echo "no pairroom binary: cargo build --release" >&2; exit 2; }

for ((i = 0; i < count; i++)); do
    port=$((base + i))
    "$bin" serve --listen "127.0.0.1:$port" --database-url "$database" "$@" \
        >"$here/instance-$port.log" 2>&1 &
    echo "$!" >>"$pidfile"
    echo "instance on 127.0.0.1:$port (pid $!)"
done
