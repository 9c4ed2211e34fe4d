#!/usr/bin/env bash
# Compares pairroom with Nchan on the same machine, side by side, and prints a
# markdown table of medians to stdout (progress goes to stderr).
#
#   bash bench/compare.sh
#
# Environment (all optional):
#   RUNS=3                      repetitions of each scenario (medians reported)
#   TARGETS="pairroom pubsub"   which servers to run (pubsub = Nchan)
#   SCENARIOS="idle rooms fanout ticks"
#   STREAMS=10000               streams in idle, fanout and ticks
#   PAIRROOM_PORT=18080 NCHAN_PORT=18090
#   PAYLOAD_BYTES=450           filler after the sequence number in Nchan
#                               messages, so they weigh about what a pairroom
#                               `change` event does (its data line carried 457
#                               bytes of JSON for a 2-person, 1-phase room)
#   OUT=target/bench/results.jsonl   where the JSON report lines go
#
# Every scenario run gets a freshly started server, so memory figures do not
# depend on what an earlier run left in the allocator. Exit code 1 when any
# run lost events or failed, 2 when a server could not be started.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
RUNS="${RUNS:-3}"
TARGETS="${TARGETS:-pairroom pubsub}"
SCENARIOS="${SCENARIOS:-idle rooms fanout ticks}"
STREAMS="${STREAMS:-10000}"
PAIRROOM_PORT="${PAIRROOM_PORT:-18080}"
NCHAN_PORT="${NCHAN_PORT:-18090}"
PAYLOAD_BYTES="${PAYLOAD_BYTES:-450}"
OUT="${OUT:-target/bench/results.jsonl}"
BENCH=target/release/pairroom-bench

log() { echo "[compare] $*" >&2; }

if [[ " $TARGETS " == *" pairroom "* ]]; then
    log "building release binaries"
    cargo build --release --bins >&2
else
    cargo build --release --bin pairroom-bench >&2
fi

tmp="$(mktemp -d /tmp/pairroom-compare.XXXXXX)"
mkdir -p "$(dirname "$OUT")"
: >"$OUT"
server_pid=""
failed=0

stop_servers() {
    if [[ -n "$server_pid" ]]; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=""
    fi
    bash bench/nchan/run.sh stop "$tmp/nchan" >&2 || true
}
trap 'stop_servers; rm -rf "$tmp"' EXIT

# Waits until something accepts connections on 127.0.0.1:$1.
wait_port() {
    for _ in $(seq 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    log "nothing listens on port $1"
    return 1
}

# Starts a fresh server for target $1; sets PIDS (for --server-pid).
start_server() {
    stop_servers
    case "$1" in
    pairroom)
        rm -f "$tmp"/bench.db*
        target/release/pairroom serve --listen "127.0.0.1:$PAIRROOM_PORT" \
            --database-url "sqlite://$tmp/bench.db" \
            --max-streams 19000 --max-streams-per-room 12000 >"$tmp/pairroom.log" 2>&1 &
        server_pid=$!
        wait_port "$PAIRROOM_PORT" || { tail -20 "$tmp/pairroom.log" >&2; exit 2; }
        PIDS="$server_pid"
        ;;
    pubsub)
        PIDS="$(bash bench/nchan/run.sh start "$NCHAN_PORT" "$tmp/nchan" | sed -n 's/^PIDS //p')"
        wait_port "$NCHAN_PORT" || exit 2
        ;;
    esac
}

# The load options of scenario $1 for target $2 (empty: not applicable).
scenario_args() {
    local per_room=$((STREAMS / 1000))
    case "$1/$2" in
    idle/pairroom) echo "pairroom --url http://127.0.0.1:$PAIRROOM_PORT --rooms 1000 --streams-per-room $per_room --rounds 0" ;;
    idle/pubsub) echo "pubsub $NCHAN --channels 1000 --streams-per-channel $per_room --rounds 0" ;;
    rooms/pairroom) echo "pairroom --url http://127.0.0.1:$PAIRROOM_PORT --rooms 5000 --streams-per-room 2 --rounds 2 --rate 500" ;;
    rooms/pubsub) echo "pubsub $NCHAN --channels 5000 --streams-per-channel 2 --rounds 2 --rate 500" ;;
    fanout/pairroom) echo "pairroom --url http://127.0.0.1:$PAIRROOM_PORT --rooms 1 --streams-per-room $STREAMS --rounds 10 --rate 2" ;;
    fanout/pubsub) echo "pubsub $NCHAN --channels 1 --streams-per-channel $STREAMS --rounds 10 --rate 2" ;;
    ticks/pairroom) echo "ticks --url http://127.0.0.1:$PAIRROOM_PORT --rooms 1000 --streams-per-room $per_room --window-secs 10" ;;
    *) echo "" ;;
    esac
}
NCHAN="--pub-url http://127.0.0.1:$NCHAN_PORT/pub --sub-url http://127.0.0.1:$NCHAN_PORT/sub --payload-bytes $PAYLOAD_BYTES"

for scenario in $SCENARIOS; do
    for run in $(seq "$RUNS"); do
        for target in $TARGETS; do
            args="$(scenario_args "$scenario" "$target")"
            [[ -n "$args" ]] || continue
            start_server "$target"
            sleep 1 # let the fresh server settle before the "before" reading
            pid_args=""
            for p in $PIDS; do pid_args+=" --server-pid $p"; done
            log "$scenario run $run/$RUNS on $target: $BENCH $args --label $scenario$pid_args"
            rc=0
            # shellcheck disable=SC2086
            $BENCH $args --label "$scenario" $pid_args --json >>"$OUT" || rc=$?
            if ((rc != 0)); then
                log "  exit code $rc"
                failed=1
            fi
            tail -n 1 "$OUT" | sed 's/^/  /' | cut -c1-300 >&2
        done
    done
done
stop_servers

echo "Runs per scenario: $RUNS; medians. Machine: $(nproc) cores, $(uname -sr)."
echo
"$BENCH" table "$OUT"
exit "$failed"
