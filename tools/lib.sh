#!/usr/bin/env bash
# Shared helpers for the local-infrastructure scripts. Sourced, never run.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Where running processes keep their state (pid, port, data). One per checkout.
RUN_DIR="${RECSYS_RUN_DIR:-$REPO_ROOT/.run}"
# Downloaded artefacts (Kafka jars) survive clean clones: they live outside the checkout.
CACHE_DIR="${RECSYS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/recsys}"

# The V8 options every service runs with (the same in the image and in tests: SERVICE_NODE_OPTIONS in
# libs/testing/src/services/service-process.ts says why).
SERVICE_NODE_OPTIONS="--max-semi-space-size=32"

log() { printf '[%s] %s\n' "$(basename "$0" .sh)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Schemathesis closes each run with pytest-style banners ("=== 1 warning in 4.16s ==="). CI reads such a
# line as the closing line of a pytest run that executed no test and reports the whole run as "ran no
# test", so the printed copy keeps the words and drops the rules.
without_pytest_banners() { sed -u -E 's/^=+ (.*[^ =]) =+$/-- \1 --/'; }

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# Alive and not a zombie: an exited process stays listed until its parent reaps it (`wait`, or init
# for one whose parent is gone, which can take seconds).
pid_running() { pid_alive "$1" && [ "$(ps -o stat= -p "$1" 2>/dev/null | cut -c1)" != Z ]; }

# apt-get install, running `apt-get update` first when the package lists are empty or the install fails.
apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found; install $* yourself"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  if ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null 2>&1; then
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
  fi
}

# Stops a process by pid file: SIGTERM, then SIGKILL after a grace period in seconds.
stop_pidfile() {
  local pidfile="$1" grace="${2:-20}" pid
  [ -f "$pidfile" ] || return 0
  pid="$(cat "$pidfile")"
  if pid_alive "$pid"; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 $((grace * 10))); do pid_alive "$pid" || break; sleep 0.1; done
    pid_alive "$pid" && { log "pid $pid ignored SIGTERM for ${grace}s; killing"; kill -9 "$pid" 2>/dev/null || true; }
  fi
  rm -f "$pidfile"
}

# Installs node_modules from the lock file when they are missing or older than package-lock.json.
ensure_node_modules() {
  local marker="$REPO_ROOT/node_modules/.package-lock.json"
  if [ ! -f "$marker" ] || [ "$REPO_ROOT/package-lock.json" -nt "$marker" ]; then
    log "installing npm dependencies (npm ci)"
    (cd "$REPO_ROOT" && npm ci --no-audit --no-fund)
  fi
}

docker_engine_answers() {
  command -v docker >/dev/null && timeout 5 docker info >/dev/null 2>&1
}
