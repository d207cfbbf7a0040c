#!/usr/bin/env bash
# Local Redis from Debian's redis-server, for tests and `npm start`.
#   tools/redis.sh start   -> prints redis://127.0.0.1:PORT; idempotent; installs redis-server if missing
#   tools/redis.sh stop | status | install
# Env: REDIS_PORT (default: a free port).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STATE_DIR="$RUN_DIR/redis"

ensure_installed() {
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null && return 0
  log "installing redis-server with apt-get"
  apt_install redis-server redis-tools
}

running_url() {
  [ -f "$STATE_DIR/port" ] || return 1
  local port
  port="$(cat "$STATE_DIR/port")"
  [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] && echo "redis://127.0.0.1:$port"
}

start() {
  local url port
  ensure_installed
  if url="$(running_url)"; then echo "$url"; return 0; fi
  stop >/dev/null 2>&1 || true
  mkdir -p "$STATE_DIR"
  port="${REDIS_PORT:-$(free_port)}"
  log "starting Redis $(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p') on 127.0.0.1:$port"
  # noeviction: evicting de-duplication markers would silently double-count events.
  # AOF everysec: a restarted server keeps what it acknowledged (fault tests restart it mid-stream).
  redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --dir "$STATE_DIR" \
    --pidfile "$STATE_DIR/pid" --logfile "$STATE_DIR/redis.log" --save '' \
    --appendonly yes --appendfsync everysec --maxmemory-policy noeviction
  echo "$port" >"$STATE_DIR/port"
  for _ in $(seq 1 100); do
    if url="$(running_url)"; then echo "$url"; return 0; fi
    sleep 0.1
  done
  die "Redis did not answer on port $port within 10 s (see $STATE_DIR/redis.log)"
}

stop() {
  if [ -f "$STATE_DIR/port" ] && command -v redis-cli >/dev/null; then
    redis-cli -p "$(cat "$STATE_DIR/port")" shutdown nosave >/dev/null 2>&1 || true
  fi
  stop_pidfile "$STATE_DIR/pid" 10
  rm -rf "$STATE_DIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) running_url ;;
  install) ensure_installed ;;
  *) echo "usage: $0 start|stop|status|install" >&2; exit 2 ;;
esac
