#!/usr/bin/env bash
# End-to-end check of deploy/nginx.conf in front of two instances that
# share a PostgreSQL database and a Redis bus, with nginx's default 60 s
# proxy_read_timeout (the 코딩해듀오 service lost its streams there):
# four streams of one paused room, spread by round-robin over both
# instances, stay open for 75 s thanks to heartbeats, and a start sent
# through nginx then reaches all of them on the same connections. A control
# stream from an instance whose heartbeats are 300 s apart is cut by nginx
# at about 60 s, so the check can fail.
#
#   bash deploy/check-nginx.sh      # about 80 s; exits non-zero on failure
#
# Needs nginx (Debian: nginx-light), python3, psql and redis-cli, with
# PostgreSQL at PAIRROOM_CHECK_PG (default 127.0.0.1:5432, user postgres)
# and Redis at PAIRROOM_CHECK_REDIS (default redis://127.0.0.1:6379); uses
# PAIRROOM_BIN or the debug build. Everything runs on loopback; the
# temporary folder, database and Redis keys are removed on exit.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${PAIRROOM_BIN:-$root/target/debug/pairroom}"
[[ -x "$bin" ]] || (cd "$root" && cargo build --quiet)
command -v nginx >/dev/null || { echo "nginx is not installed (apt-get install -y nginx-light)" >&2; exit 2; }

pg="${PAIRROOM_CHECK_PG:-127.0.0.1:5432}"
pg_host="${pg%:*}" pg_port="${pg##*:}"
redis_url="${PAIRROOM_CHECK_REDIS:-redis://127.0.0.1:6379}"
work="$(mktemp -d)"
pids=()
database=""
redis_prefix=""
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for prefix in "$work"/nginx-*; do
        [[ -f "$prefix/nginx.pid" ]] && nginx -p "$prefix" -c "$prefix/nginx.conf" -s stop 2>/dev/null || true
    done
    wait 2>/dev/null || true
    if [[ -n "$database" ]]; then
        psql -q -h "$pg_host" -p "$pg_port" -U postgres -d postgres \
            -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" || true
    fi
    if [[ -n "$redis_prefix" ]]; then
        redis-cli -u "$redis_url" --scan --pattern "${redis_prefix}*" |
            xargs -r redis-cli -u "$redis_url" del >/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_proxy NAME HEARTBEAT_SECS DATABASE_URL COUNT [FLAGS...]: COUNT
# pairroom instances on one database and one nginx round-robin in front of
# them, with the shipped config; sets $proxy_port to nginx's port.
start_proxy() {
    local name="$1" heartbeat="$2" database="$3" count="$4" app_port prefix servers="" i
    shift 4
    proxy_port="$(free_port)"
    prefix="$work/nginx-$name"
    mkdir -p "$prefix/tmp"
    for ((i = 1; i <= count; i++)); do
        app_port="$(free_port)"
        "$bin" serve --listen "127.0.0.1:$app_port" --database-url "$database" \
            --heartbeat-secs "$heartbeat" "$@" >"$work/$name-$i.log" 2>&1 &
        pids+=("$!")
        servers+="        server 127.0.0.1:$app_port;\n"
    done
    # The shipped config, with its upstream pointed at these instances.
    sed -e "/server 127.0.0.1:8082;/d" \
        -e "s/        server 127.0.0.1:8081;/$servers/" \
        -e "s/listen 127.0.0.1:8080;/listen 127.0.0.1:$proxy_port;/" \
        "$root/deploy/nginx.conf" >"$prefix/nginx.conf"
    if grep -Eq '^\s*proxy_read_timeout' "$prefix/nginx.conf"; then
        echo "the config sets proxy_read_timeout; this check is about the default" >&2
        exit 1
    fi
    nginx -p "$prefix" -c "$prefix/nginx.conf"
    for _ in $(seq 100); do
        curl -sf "http://127.0.0.1:$proxy_port/readyz" >/dev/null && break
        sleep 0.1
    done
}

create_room() {
    curl -sf -XPOST "http://127.0.0.1:$1/api/v1/rooms" -H 'content-type: application/json' \
        -d '{"participants":["Ann","Bob"]}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["room"]["code"])'
}

cat >"$work/read.py" <<'PY'
# Reads one SSE stream for at most SECONDS; writes what it saw as JSON.
import http.client, json, sys, time
port, path, seconds, out = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), sys.argv[4]
start = time.monotonic()
seen = {"heartbeats": 0, "events": [], "ended_after_s": None, "last_byte_s": 0.0}
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=seconds)
conn.request("GET", path)
res = conn.getresponse()
seen["status"] = res.status
event = None
try:
    while time.monotonic() - start < seconds:
        line = res.readline()  # decodes the chunked body, so nginx's clean end is seen
        if not line:
            seen["ended_after_s"] = round(time.monotonic() - start, 1)
            break
        seen["last_byte_s"] = round(time.monotonic() - start, 1)
        line = line.decode().rstrip("\r\n")
        if line.startswith(": heartbeat"):
            seen["heartbeats"] += 1
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line == "" and event:
            seen["events"].append([event, round(time.monotonic() - start, 1)])
            event = None
        with open(out, "w") as f:
            json.dump(seen, f)
except Exception as e:  # a reset or timeout ends the stream too
    seen["ended_after_s"] = round(time.monotonic() - start, 1)
    seen["error"] = str(e)
with open(out, "w") as f:
    json.dump(seen, f)
PY

# The checked streams: two instances on a PostgreSQL database of their own,
# joined by Redis under a key prefix of their own.
database="pairroom_nginx_$(python3 -c 'import secrets; print(secrets.token_hex(6))')"
psql -q -h "$pg_host" -p "$pg_port" -U postgres -d postgres -c "CREATE DATABASE $database"
redis_prefix="pairroom-nginx-$database:"
start_proxy beating 15 "postgres://postgres@$pg_host:$pg_port/$database" 2 \
    --redis-url "$redis_url" --redis-prefix "$redis_prefix"
beating="$proxy_port"
start_proxy silent 300 "sqlite://$work/silent.db" 1
silent="$proxy_port"
code="$(create_room "$beating")"
readers=()
for i in 1 2 3 4; do
    python3 "$work/read.py" "$beating" "/api/v1/rooms/$code/events?name=S$i" 80 "$work/beating-$i.json" &
    readers+=("$!")
done
sleep 2
# Round-robin put the four streams on both instances: their names are in
# the room's presence set in Redis, each as "INSTANCE\nNAME" under the
# 16-hex-digit id of the instance that holds it.
instances="$(redis-cli -u "$redis_url" zrange "${redis_prefix}presence:$code" 0 -1 |
    grep -E '^[0-9a-f]{16}$' | sort -u | wc -l)"
echo "instances holding the room's streams: $instances"
# Heartbeats are spread over the interval, so one of the control's rooms may
# get its first one inside the window; several rooms make a cut certain.
control_readers=()
for i in 1 2 3 4 5 6; do
    control="$(create_room "$silent")"
    python3 "$work/read.py" "$silent" "/api/v1/rooms/$control/events" 80 "$work/silent-$i.json" &
    control_readers+=("$!")
done
echo "streams open through nginx; waiting 75 s with the rooms idle"
sleep 75
curl -sf -XPOST "http://127.0.0.1:$beating/api/v1/rooms/$code/timer/start" >/dev/null
sleep 3
kill "${readers[@]}" "${control_readers[@]}" 2>/dev/null || true
wait "${readers[@]}" "${control_readers[@]}" 2>/dev/null || true

python3 - "$instances" "$work"/beating-*.json "$work"/silent-*.json <<'PY'
import json, sys
instances = int(sys.argv[1])
beating = [json.load(open(p)) for p in sys.argv[2:] if "/beating-" in p]
controls = [json.load(open(p)) for p in sys.argv[2:] if "/silent-" in p]
cut = [c for c in controls if c["ended_after_s"] is not None]
def started(b):
    return any(n == "change" and t >= 70 for n, t in b["events"])
checks = [
    ("the streams were held by both instances", instances == 2),
    ("every stream answered 200", all(b.get("status") == 200 for b in beating)),
    ("every stream was still open after 75 s", all(b["ended_after_s"] is None for b in beating)),
    ("one snapshot each (no reconnect)",
     all([e[0] for e in b["events"]].count("snapshot") == 1 for b in beating)),
    ("the start reached every stream, on both instances, on the same connection",
     all(started(b) for b in beating)),
    ("at least 4 heartbeats in 75 s on every stream", all(b["heartbeats"] >= 4 for b in beating)),
    ("a control stream without heartbeats was cut", len(cut) >= 1),
    ("every cut came about 60 s after the stream's last byte",
     all(58 <= c["ended_after_s"] - c["last_byte_s"] <= 63 for c in cut)),
    ("every control stream left open had a byte in its last 60 s",
     all(c["last_byte_s"] > 15 for c in controls if c["ended_after_s"] is None)),
]
for b in beating:
    print(f"heartbeats seen: {b['heartbeats']}; events: {b['events']}")
print("control streams ended after (s):", [c["ended_after_s"] for c in controls],
      "last byte at (s):", [c["last_byte_s"] for c in controls])
for what, ok in checks:
    print(("PASS " if ok else "FAIL ") + what)
sys.exit(0 if all(ok for _, ok in checks) else 1)
PY
