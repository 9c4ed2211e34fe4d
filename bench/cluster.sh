#!/usr/bin/env bash
# Delivery latency across instances: the same load on one instance, and on
# two instances joined by Redis with every command sent to one and every
# stream held by the other (so each event crosses the bus), both on
# PostgreSQL. Prints a markdown table of medians, then the PostgreSQL
# transactions and Redis commands per timer command.
#
#   bash bench/cluster.sh
#
# Environment (all optional):
#   RUNS=3                       repetitions of each scenario (medians)
#   ROOMS=2000 STREAMS_PER_ROOM=2 ROUNDS=2 RATE=200   the load
#   PG=127.0.0.1:5432 (user postgres)  REDIS=redis://127.0.0.1:6379
#   OUT=target/bench/cluster.jsonl
#
# Every run gets fresh servers, a fresh database and a fresh key prefix,
# all removed afterwards. Exit code 1 when a run lost events.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
RUNS="${RUNS:-3}"
ROOMS="${ROOMS:-2000}"
STREAMS_PER_ROOM="${STREAMS_PER_ROOM:-2}"
ROUNDS="${ROUNDS:-2}"
RATE="${RATE:-200}"
PG="${PG:-127.0.0.1:5432}"
REDIS="${REDIS:-redis://127.0.0.1:6379}"
OUT="${OUT:-target/bench/cluster.jsonl}"
BENCH=target/release/pairroom-bench
pg_host="${PG%:*}" pg_port="${PG##*:}"

log() { echo "[cluster] $*" >&2; }
psql_() { psql -qAt -h "$pg_host" -p "$pg_port" -U postgres "$@"; }

cargo build --release --bins >&2
tmp="$(mktemp -d /tmp/pairroom-cluster.XXXXXX)"
mkdir -p "$(dirname "$OUT")"
: >"$OUT"
: >"$tmp/ops"
pids=()
database=""
failed=0

stop_all() {
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    pids=()
    if [[ -n "$database" ]]; then
        psql_ -d postgres -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" || true
        database=""
    fi
}
trap 'stop_all; rm -rf "$tmp"' EXIT

wait_port() {
    for _ in $(seq 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    log "nothing listens on port $1"
    exit 2
}

# start PORT [FLAGS...]: one instance on the run's database.
start() {
    local port="$1"
    shift
    target/release/pairroom serve --listen "127.0.0.1:$port" \
        --database-url "postgres://postgres@$pg_host:$pg_port/$database" \
        --max-streams 19000 --max-streams-per-room 12000 "$@" >"$tmp/$port.log" 2>&1 &
    pids+=("$!")
    wait_port "$port"
}

# Sums the calls of every Redis command (INFO commandstats).
redis_calls() {
    redis-cli -u "$REDIS" info commandstats |
        sed -n 's/^cmdstat_\([a-z|]*\):calls=\([0-9]*\).*/\1 \2/p' | sort
}

# Committed transactions and updated rows of the run's database.
pg_counts() {
    psql_ -d postgres -c "SELECT xact_commit, tup_updated, tup_returned FROM pg_stat_database WHERE datname = '$database'"
}

for run in $(seq "$RUNS"); do
    for scenario in single cross; do
        database="pairroom_bench_$(python3 -c 'import secrets; print(secrets.token_hex(6))')"
        psql_ -d postgres -c "CREATE DATABASE $database"
        prefix="pairroom-bench-$database:"
        bus=(--redis-url "$REDIS" --redis-prefix "$prefix")
        case "$scenario" in
        single)
            start 18180
            args=(--url http://127.0.0.1:18180)
            ;;
        cross)
            start 18180 "${bus[@]}"
            start 18181 "${bus[@]}"
            args=(--url http://127.0.0.1:18181 --command-url http://127.0.0.1:18180)
            ;;
        esac
        pid_args=()
        for p in "${pids[@]}"; do pid_args+=(--server-pid "$p"); done
        sleep 1
        redis_calls >"$tmp/redis-before"
        log "$scenario run $run/$RUNS"
        rc=0
        "$BENCH" pairroom "${args[@]}" --rooms "$ROOMS" --streams-per-room "$STREAMS_PER_ROOM" \
            --rounds "$ROUNDS" --rate "$RATE" --label "pg-$scenario" "${pid_args[@]}" \
            --json >>"$OUT" || rc=$?
        ((rc == 0)) || { log "  exit code $rc"; failed=1; }
        tail -n 1 "$OUT" | cut -c1-300 >&2
        redis_calls >"$tmp/redis-after"
        # Servers stopped, their connections' statistics reach PostgreSQL.
        for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
        for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
        pids=()
        sleep 1
        commands=$((ROOMS * ROUNDS))
        creations="$ROOMS"
        read -r xacts updated returned < <(pg_counts | tr '|' ' ')
        redis_ops="$(join -a 2 "$tmp/redis-before" "$tmp/redis-after" |
            awk 'NF == 3 { d = $3 - $2 } NF == 2 { d = $2 } d > 0 { printf "%s=%d ", $1, d }')"
        echo "$scenario $commands $creations $xacts $updated $returned $redis_ops" >>"$tmp/ops"
        stop_all
    done
done

echo "Runs per scenario: $RUNS; medians. $ROOMS rooms x $STREAMS_PER_ROOM streams, $ROUNDS commands per room at $RATE/s, PostgreSQL store. Machine: $(nproc) cores, $(uname -sr)."
echo
"$BENCH" table "$OUT"
echo
echo "Store and bus operations over a whole run (the last of each scenario): besides"
echo "the timer commands, a run creates the rooms (one transaction each), opens the"
echo "streams (one read each) and starts the servers (migrations); Redis is shared,"
echo "so other clients' commands would show up too."
echo
echo "| scenario | timer commands | rooms created | streams | PG transactions | PG rows updated | Redis commands |"
echo "|---|---|---|---|---|---|---|"
for scenario in single cross; do
    grep "^$scenario " "$tmp/ops" | tail -n 1 |
        awk -v streams=$((ROOMS * STREAMS_PER_ROOM)) '{ r = ""; for (i = 7; i <= NF; i++) r = r $i " "; printf "| %s | %s | %s | %s | %s | %s | %s|\n", $1, $2, $3, streams, $4, $5, r }'
done
exit "$failed"
