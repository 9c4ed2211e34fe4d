#!/usr/bin/env bash
# End-to-end check that heartbeats keep a quiet stream open through real
# nginx with its default 60 s proxy_read_timeout (the 코딩해듀오 service lost
# its streams there): a paused room's stream stays open for 75 s through
# deploy/nginx.conf and still receives the next change on the same
# connection. A control stream from an instance whose heartbeats are 300 s
# apart is cut by nginx at about 60 s, so the check can fail.
#
#   bash deploy/check-nginx.sh      # about 80 s; exits non-zero on failure
#
# Needs nginx (Debian: nginx-light) and python3; uses PAIRROOM_BIN or the
# debug build. Everything runs on loopback in a temporary folder and is
# stopped on exit.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${PAIRROOM_BIN:-$root/target/debug/pairroom}"
[[ -x "$bin" ]] || (cd "$root" && cargo build --quiet)
command -v nginx >/dev/null || { echo "nginx is not installed (apt-get install -y nginx-light)" >&2; exit 2; }

work="$(mktemp -d)"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for prefix in "$work"/nginx-*; do
        [[ -f "$prefix/nginx.pid" ]] && nginx -p "$prefix" -c "$prefix/nginx.conf" -s stop 2>/dev/null || true
    done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_pair NAME HEARTBEAT_SECS: one pairroom instance and one nginx in
# front of it; sets $proxy_port to nginx's port.
start_pair() {
    local name="$1" heartbeat="$2" app_port prefix
    app_port="$(free_port)"
    proxy_port="$(free_port)"
    prefix="$work/nginx-$name"
    mkdir -p "$prefix/tmp"
    "$bin" serve --listen "127.0.0.1:$app_port" --database-url "sqlite://$work/$name.db" \
        --heartbeat-secs "$heartbeat" >"$work/$name.log" 2>&1 &
    pids+=("$!")
    # The shipped config, with its upstream pointed at this one instance.
    sed -e "s/server 127.0.0.1:8081;/server 127.0.0.1:$app_port;/" \
        -e "/server 127.0.0.1:8082;/d" \
        -e "s/listen 127.0.0.1:8080;/listen 127.0.0.1:$proxy_port;/" \
        "$root/deploy/nginx.conf" >"$prefix/nginx.conf"
    if grep -Eq '^\s*proxy_read_timeout' "$prefix/nginx.conf"; then
        echo "the config sets proxy_read_timeout; this check is about the default" >&2
        exit 1
    fi
    nginx -p "$prefix" -c "$prefix/nginx.conf"
    for _ in $(seq 100); do
        curl -sf "http://127.0.0.1:$proxy_port/" >/dev/null && break
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

start_pair beating 15
beating="$proxy_port"
start_pair silent 300
silent="$proxy_port"
code="$(create_room "$beating")"
python3 "$work/read.py" "$beating" "/api/v1/rooms/$code/events" 80 "$work/beating.json" &
reader=$!
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
kill "$reader" "${control_readers[@]}" 2>/dev/null || true
wait "$reader" "${control_readers[@]}" 2>/dev/null || true

python3 - "$work/beating.json" "$work"/silent-*.json <<'PY'
import json, sys
beating = json.load(open(sys.argv[1]))
controls = [json.load(open(p)) for p in sys.argv[2:]]
cut = [c for c in controls if c["ended_after_s"] is not None]
names = [e[0] for e in beating["events"]]
checks = [
    ("the stream answered 200", beating.get("status") == 200),
    ("it was still open after 75 s", beating["ended_after_s"] is None),
    ("one snapshot only (no reconnect)", names.count("snapshot") == 1),
    ("the start arrived on the same connection", any(n == "change" and t >= 70 for n, t in beating["events"])),
    ("at least 4 heartbeats in 75 s", beating["heartbeats"] >= 4),
    ("a control stream without heartbeats was cut", len(cut) >= 1),
    ("every cut came about 60 s after the stream's last byte",
     all(58 <= c["ended_after_s"] - c["last_byte_s"] <= 63 for c in cut)),
    ("every control stream left open had a byte in its last 60 s",
     all(c["last_byte_s"] > 15 for c in controls if c["ended_after_s"] is None)),
]
print(f"heartbeats seen: {beating['heartbeats']}; events: {beating['events']}")
print("control streams ended after (s):", [c["ended_after_s"] for c in controls],
      "last byte at (s):", [c["last_byte_s"] for c in controls])
for what, ok in checks:
    print(("PASS " if ok else "FAIL ") + what)
sys.exit(0 if all(ok for _, ok in checks) else 1)
PY
