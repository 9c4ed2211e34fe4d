#!/usr/bin/env bash
# The API contract, fuzzed: starts pairroom on a fresh SQLite file and runs
# schemathesis against its own /api/openapi.json, checking that no request
# gets a 5xx and that every answer fits the documented schema. Two passes:
# one with generated room codes (mostly unknown rooms, and rooms it creates),
# one with every `{code}` set to a real room (schemathesis.toml), without the
# operations that delete it. The two stream endpoints are left out (they
# never end; tests/streams.rs and friends cover them). Fails if either pass
# fails or the server logged a panic.
#
#   bash tests/contract/run.sh        (EXAMPLES=50 per operation and phase)
#
# Needs schemathesis (pip install schemathesis). Loopback only; the server
# and its temp dir are removed on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

EXAMPLES="${EXAMPLES:-50}"
command -v schemathesis >/dev/null || { echo "schemathesis is not installed (pip install schemathesis)" >&2; exit 2; }

# True when something accepts connections on 127.0.0.1:$1.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in $(seq 18600 18699); do
    if ! listening "$p"; then PORT=$p; break; fi
done
: "${PORT:?no free port in 18600-18699}"

cargo build --bin pairroom
tmp="$(mktemp -d /tmp/pairroom-contract.XXXXXX)"
target/debug/pairroom serve --listen "127.0.0.1:$PORT" --database-url "sqlite://$tmp/contract.db" \
    --limit-exempt 127.0.0.0/8 >"$tmp/server.log" 2>&1 &
server=$!
trap 'kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do listening "$PORT" && break; sleep 0.1; done
listening "$PORT" || { tail -20 "$tmp/server.log" >&2; exit 2; }

base="http://127.0.0.1:$PORT"
common=(
    --checks not_a_server_error,response_schema_conformance
    --exclude-operation-id get_api_v1_rooms_code_events
    --exclude-operation-id get_api_code_connect
    --max-examples "$EXAMPLES" --workers 2 --seed 1 --no-color
    --generation-database none --request-timeout 10
)

config="$(pwd)/tests/contract/schemathesis.toml"
# schemathesis keeps its state in the working directory: the temp dir.
cd "$tmp"

echo "== schemathesis, pass 1: generated codes ($base)"
schemathesis run "$base/api/openapi.json" "${common[@]}"

room="$(curl -sf -X POST -H 'content-type: application/json' \
    -d '{"participants":["Ann","Bob","Cid"]}' "$base/api/v1/rooms" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["room"]["code"])')"
echo "== schemathesis, pass 2: every {code} is room $room"
PAIRROOM_CONTRACT_ROOM="$room" schemathesis --config-file "$config" \
    run "$base/api/openapi.json" "${common[@]}" \
    --exclude-operation-id delete_api_v1_rooms_code \
    --exclude-operation-id delete_api_pair_room_code \
    --exclude-operation-id patch_api_pair_room_code_status

if grep -q "panicked" "$tmp/server.log"; then
    echo "the server panicked:" >&2
    grep -A5 "panicked" "$tmp/server.log" >&2
    exit 1
fi
echo "== contract: no 5xx, every answer fits the schema, no panic"
