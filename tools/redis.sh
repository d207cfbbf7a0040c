#!/usr/bin/env bash
# Local Redis from Debian's redis-server, for tests and `npm start`.
#   tools/redis.sh start   -> prints redis://127.0.0.1:PORT; idempotent; installs redis-server if missing
#   tools/redis.sh stop | status | install
#   tools/redis.sh kill    -> SIGKILL (a crash); keeps port and data (AOF) for `restart`
#   tools/redis.sh restart -> SHUTDOWN (the AOF is flushed) if it runs, starts again on the same port and data
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
  echo "$port" >"$STATE_DIR/port"
  launch "$port"
}

# Runs redis-server on $STATE_DIR (a fresh start, or a restart that reloads the AOF there).
launch() {
  local port="$1" url
  log "starting Redis $(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p') on 127.0.0.1:$port"
  # noeviction: evicting de-duplication markers would silently double-count events.
  # AOF everysec: a write reaches the AOF file (the kernel's cache) before its reply, so a restart or a
  # killed server keeps what it acknowledged (unless a slow disk made Redis postpone the write: ≤ 2 s);
  # a machine crash can lose the last second. Without AOF a restart would lose every feature.
  redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --dir "$STATE_DIR" \
    --pidfile "$STATE_DIR/pid" --logfile "$STATE_DIR/redis.log" --save '' \
    --appendonly yes --appendfsync everysec --maxmemory-policy noeviction
  # Loading a large AOF takes a while: PING answers LOADING until it is done.
  for _ in $(seq 1 600); do
    if url="$(running_url)"; then echo "$url"; return 0; fi
    sleep 0.1
  done
  die "Redis did not answer on port $port within 60 s (see $STATE_DIR/redis.log)"
}

# SIGKILL, as a crash would: the AOF and the port stay for `restart`.
kill_server() {
  [ -f "$STATE_DIR/pid" ] || die "no Redis to kill in $STATE_DIR"
  local pid
  pid="$(cat "$STATE_DIR/pid")"
  pid_running "$pid" && kill -9 "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do pid_running "$pid" || return 0; sleep 0.1; done
  log "pid $pid still running 5 s after SIGKILL"
}

# The same server again on its port and data: SHUTDOWN flushes the AOF, the new process reloads it.
restart() {
  [ -f "$STATE_DIR/port" ] || die "no Redis to restart in $STATE_DIR"
  local port
  port="$(cat "$STATE_DIR/port")"
  if pid_running "$(cat "$STATE_DIR/pid" 2>/dev/null)"; then
    redis-cli -p "$port" shutdown >/dev/null 2>&1 || true
    stop_pidfile "$STATE_DIR/pid" 10
  fi
  launch "$port"
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
  kill) kill_server ;;
  restart) ensure_installed && restart ;;
  status) running_url ;;
  install) ensure_installed ;;
  *) echo "usage: $0 start|stop|kill|restart|status|install" >&2; exit 2 ;;
esac
