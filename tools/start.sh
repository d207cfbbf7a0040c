#!/usr/bin/env bash
# `npm start`: installs what is missing, starts Kafka and Redis (unless KAFKA_BROKERS / REDIS_URL point at
# existing ones), builds every service and runs them in the foreground with their URLs printed.
# Ctrl-C stops the services, then the Kafka and Redis this command started.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

# name:port of every service that exists so far, in start order.
SERVICES=("collector:${COLLECTOR_HTTP_PORT:-3001}")

declare -a service_pids=()
started_kafka=false
started_redis=false

cleanup() {
  trap - INT TERM EXIT
  log "stopping"
  for pid in "${service_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${service_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  $started_kafka && bash tools/kafka.sh stop
  $started_redis && bash tools/redis.sh stop
  log "stopped"
}
trap cleanup INT TERM EXIT

ensure_node_modules

if [ -z "${KAFKA_BROKERS:-}" ]; then
  bash tools/kafka.sh status >/dev/null || started_kafka=true
  KAFKA_BROKERS="$(bash tools/kafka.sh start)"
fi
if [ -z "${REDIS_URL:-}" ]; then
  bash tools/redis.sh status >/dev/null || started_redis=true
  REDIS_URL="$(bash tools/redis.sh start)"
fi
export KAFKA_BROKERS REDIS_URL
export LOG_FORMAT="${LOG_FORMAT:-text}"

log "building services"
npx nx run-many -t build --output-style=static >/dev/null

wait_ready() {
  local name="$1" url="$2" pid="$3"
  for _ in $(seq 1 300); do
    pid_alive "$pid" || die "$name exited during start-up"
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/health/ready")" = 200 ] && return 0
    sleep 0.1
  done
  die "$name did not become ready within 30 s"
}

for service in "${SERVICES[@]}"; do
  name="${service%%:*}" port="${service##*:}"
  HTTP_PORT="$port" node "dist/apps/$name/apps/$name/src/main.js" &
  service_pids+=("$!")
  wait_ready "$name" "http://127.0.0.1:$port" "$!"
done

cat <<INFO

  Platform running. Ctrl-C stops everything.
    Kafka       $KAFKA_BROKERS
    Redis       $REDIS_URL
$(for service in "${SERVICES[@]}"; do printf '    %-11s http://127.0.0.1:%s  (health: /health/ready)\n' "${service%%:*}" "${service##*:}"; done)

  Try:  curl -i -X POST http://127.0.0.1:${SERVICES[0]##*:}/v1/events -H 'content-type: application/json' \\
          -d @libs/contracts/src/__fixtures__/valid/product-view.v1.json

INFO

# Stay in the foreground until a service exits or Ctrl-C arrives.
wait -n "${service_pids[@]}"
die "a service exited; stopping the rest"
