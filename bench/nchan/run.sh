#!/usr/bin/env bash
# Starts or stops a standalone nginx + Nchan for pairroom-bench.
#
#   bash bench/nchan/run.sh start [PORT] [PREFIX]  # prints "PIDS <master> <workers...>"
#   bash bench/nchan/run.sh pids [PREFIX]          # prints the pids again
#   bash bench/nchan/run.sh stop [PREFIX]          # graceful stop, then waits
#
# PORT defaults to 8090, PREFIX to /tmp/pairroom-nchan. Needs nginx and
# libnginx-mod-nchan (apt-get install -y nginx-light libnginx-mod-nchan).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cmd="${1:-}"

# Master pid followed by its workers' pids.
pids() {
    local master
    master="$(cat "$1/nginx.pid")"
    echo "$master" $(pgrep -P "$master" | tr '\n' ' ')
}

case "$cmd" in
start)
    port="${2:-8090}"
    prefix="${3:-/tmp/pairroom-nchan}"
    if [[ -f /usr/lib/nginx/modules/ngx_nchan_module.so ]] && command -v nginx >/dev/null; then :; else
        echo "nginx or the nchan module is missing: apt-get install -y nginx-light libnginx-mod-nchan" >&2
        exit 2
    fi
    if [[ -f "$prefix/nginx.pid" ]] && kill -0 "$(cat "$prefix/nginx.pid")" 2>/dev/null; then
        echo "already running in $prefix (stop it first)" >&2
        exit 2
    fi
    mkdir -p "$prefix/tmp"
    sed "s/127\.0\.0\.1:8090/127.0.0.1:${port}/" "$here/nginx.conf" >"$prefix/nginx.conf"
    nginx -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/error.log"
    # Wait for the pid file and both workers.
    for _ in $(seq 50); do
        if [[ -f "$prefix/nginx.pid" ]] && (($(pgrep -c -P "$(cat "$prefix/nginx.pid")" || true) >= 2)); then
            break
        fi
        sleep 0.1
    done
    echo "PIDS $(pids "$prefix")"
    ;;
pids)
    echo "PIDS $(pids "${2:-/tmp/pairroom-nchan}")"
    ;;
stop)
    prefix="${2:-/tmp/pairroom-nchan}"
    [[ -f "$prefix/nginx.pid" ]] || exit 0
    master="$(cat "$prefix/nginx.pid")"
    workers="$(pgrep -P "$master" | tr '\n' ' ' || true)"
    kill -TERM "$master" 2>/dev/null || true
    for _ in $(seq 100); do
        kill -0 "$master" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$master" 2>/dev/null; then
        echo "nginx $master did not stop; sending KILL" >&2
        kill -KILL "$master" $workers 2>/dev/null || true
    fi
    rm -f "$prefix/nginx.pid"
    ;;
*)
    sed -n '2,9p' "$0" >&2
    exit 2
    ;;
esac
