#!/usr/bin/env bash
# A local Redis Cluster of three primaries (no replicas) from Debian's redis-server, for tests and benches
# of the cluster mode. Each node is a redis-server in cluster mode with its own port, data dir and AOF.
#   tools/redis-cluster.sh start          -> prints the seed nodes, e.g. 127.0.0.1:7001,127.0.0.1:7002,…
#                                            (the value of REDIS_CLUSTER_NODES); idempotent
#   tools/redis-cluster.sh stop | status
#   tools/redis-cluster.sh kill <n>       -> SIGKILL node n (1–3), as a crash; its port, AOF and
#                                            nodes.conf stay for `restart <n>`
#   tools/redis-cluster.sh restart <n>    -> starts node n again on its port and data; waits until the
#                                            cluster is `ok` again
# Env: RECSYS_RUN_DIR (state under $RUN_DIR/redis-cluster).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STATE_DIR="$RUN_DIR/redis-cluster"
NODES=(1 2 3)

ensure_installed() {
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null && return 0
  log "installing redis-server with apt-get"
  apt_install redis-server redis-tools
}

node_dir() { echo "$STATE_DIR/node-$1"; }
node_port() { cat "$(node_dir "$1")/port" 2>/dev/null; }

# A port free on 127.0.0.1 whose cluster bus port (port + 10000) is free too, so below 55536.
cluster_port() {
  node -e "
const net = require('net');
const listen = (port) => new Promise((resolve) => {
  const server = net.createServer();
  server.once('error', () => resolve(undefined));
  server.listen(port, '127.0.0.1', () => resolve(server));
});
(async () => {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 35000);
    const [a, b] = [await listen(port), await listen(port + 10000)];
    for (const server of [a, b]) if (server) server.close();
    if (a && b) { console.log(port); return; }
  }
  process.exit(1);
})();"
}

seed_nodes() {
  local node list=()
  for node in "${NODES[@]}"; do list+=("127.0.0.1:$(node_port "$node")"); done
  (IFS=,; echo "${list[*]}")
}

# Every node answers and reports cluster_state:ok with all 16384 slots assigned.
cluster_ok() {
  local node port
  for node in "${NODES[@]}"; do
    port="$(node_port "$node")" || return 1
    redis-cli -p "$port" cluster info 2>/dev/null | grep -q '^cluster_state:ok' || return 1
    redis-cli -p "$port" cluster info 2>/dev/null | grep -q '^cluster_slots_assigned:16384' || return 1
  done
}

wait_ok() {
  for _ in $(seq 1 600); do
    cluster_ok && return 0
    sleep 0.1
  done
  die "the Redis Cluster in $STATE_DIR was not ok within 60 s (logs: $STATE_DIR/node-*/redis.log)"
}

# One node in cluster mode: the same durability settings as tools/redis.sh (AOF everysec, noeviction).
launch() {
  local node="$1" dir port
  dir="$(node_dir "$node")"
  port="$(node_port "$node")"
  redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --dir "$dir" \
    --pidfile "$dir/pid" --logfile "$dir/redis.log" --save '' \
    --appendonly yes --appendfsync everysec --maxmemory-policy noeviction \
    --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 2000 \
    --cluster-require-full-coverage yes
  for _ in $(seq 1 600); do
    [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] && return 0
    sleep 0.1
  done
  die "Redis Cluster node $node did not answer on port $port within 60 s (see $dir/redis.log)"
}

start() {
  ensure_installed
  if cluster_ok; then seed_nodes; return 0; fi
  stop >/dev/null 2>&1 || true
  local node
  for node in "${NODES[@]}"; do
    mkdir -p "$(node_dir "$node")"
    cluster_port >"$(node_dir "$node")/port"
    launch "$node"
  done
  log "creating a Redis Cluster of three primaries: $(seed_nodes)"
  redis-cli --cluster create $(seed_nodes | tr ',' ' ') --cluster-replicas 0 --cluster-yes \
    >"$STATE_DIR/create.log" 2>&1 || { cat "$STATE_DIR/create.log" >&2; die "redis-cli --cluster create failed"; }
  wait_ok
  seed_nodes
}

stop() {
  local node port
  for node in "${NODES[@]}"; do
    port="$(node_port "$node")" || continue
    redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
    stop_pidfile "$(node_dir "$node")/pid" 10
  done
  rm -rf "$STATE_DIR"
}

node_arg() {
  case "${1:-}" in 1 | 2 | 3) echo "$1" ;; *) die "name a node: 1, 2 or 3" ;; esac
}

kill_node() {
  local node pid
  node="$(node_arg "${1:-}")"
  pid="$(cat "$(node_dir "$node")/pid" 2>/dev/null)" || die "no node $node to kill in $STATE_DIR"
  pid_running "$pid" && kill -9 "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do pid_running "$pid" || return 0; sleep 0.1; done
  die "pid $pid of node $node still running 5 s after SIGKILL"
}

restart_node() {
  local node
  node="$(node_arg "${1:-}")"
  [ -f "$(node_dir "$node")/port" ] || die "no node $node to restart in $STATE_DIR"
  if pid_running "$(cat "$(node_dir "$node")/pid" 2>/dev/null)"; then
    redis-cli -p "$(node_port "$node")" shutdown >/dev/null 2>&1 || true
    stop_pidfile "$(node_dir "$node")/pid" 10
  fi
  launch "$node"
  wait_ok
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) cluster_ok && seed_nodes ;;
  kill) kill_node "${2:-}" ;;
  restart) ensure_installed && restart_node "${2:-}" ;;
  *) echo "usage: $0 start|stop|status|kill <n>|restart <n>" >&2; exit 2 ;;
esac
