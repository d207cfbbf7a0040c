#!/usr/bin/env bash
# `npm start`: installs what is missing, starts Kafka and Redis (unless KAFKA_BROKERS / REDIS_URL point at
# existing ones), builds every service and runs them in the foreground with their URLs printed.
# Ctrl-C stops the services, then the Kafka and Redis this command started.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

# name:port of every service that exists so far, in start order.
SERVICES=(
  "collector:${COLLECTOR_HTTP_PORT:-3001}"
  "preprocessor:${PREPROCESSOR_HTTP_PORT:-3002}"
  "trainer:${TRAINER_HTTP_PORT:-3003}"
  "scorer:${SCORER_HTTP_PORT:-3004}"
  "console:${CONSOLE_HTTP_PORT:-3005}"
)

# Development credentials, printed below. Production sets its own (the collector refuses to start without).
DEV_WRITE_KEY="${DEV_WRITE_KEY:-dev-write-key-change-me-0123456789}"
if [ -z "${COLLECTOR_WRITE_KEYS:-}" ]; then
  COLLECTOR_WRITE_KEYS='[{"storefront":"dev","key":"'"$DEV_WRITE_KEY"'","allowedOrigins":["http://localhost:8080"]}]'
fi
export COLLECTOR_WRITE_KEYS
export COLLECTOR_PSEUDONYMISATION_SECRET="${COLLECTOR_PSEUDONYMISATION_SECRET:-dev-pseudonymisation-secret-change-me}"
# The scorer finds users by the same pseudonym the collector gives them.
export SCORER_PSEUDONYMISATION_SECRET="${SCORER_PSEUDONYMISATION_SECRET:-$COLLECTOR_PSEUDONYMISATION_SECRET}"
# Erasure by storefront user id needs the preprocessor to derive the same pseudonym (docs/privacy.md).
export PREPROCESSOR_PSEUDONYMISATION_SECRET="${PREPROCESSOR_PSEUDONYMISATION_SECRET:-$COLLECTOR_PSEUDONYMISATION_SECRET}"
# Erasure tombstones are keyed by an HMAC of the user; the same key in preprocessor, trainer and scorer.
export PRIVACY_TOMBSTONE_SECRET="${PRIVACY_TOMBSTONE_SECRET:-dev-tombstone-secret-change-me-0123}"
export ADMIN_TOKEN="${ADMIN_TOKEN:-dev-admin-token-change-me-0123456789}"
# The console shows the scorer's answers and finds shoppers by the collector's pseudonym.
export SCORER_URL="${SCORER_URL:-http://127.0.0.1:${SCORER_HTTP_PORT:-3004}}"
export CONSOLE_PSEUDONYMISATION_SECRET="${CONSOLE_PSEUDONYMISATION_SECRET:-$COLLECTOR_PSEUDONYMISATION_SECRET}"
# Development retrains every 2,000 new examples or 5 minutes, so a model appears while you watch.
export TRAINER_RETRAIN_AFTER_EXAMPLES="${TRAINER_RETRAIN_AFTER_EXAMPLES:-2000}"
export TRAINER_RETRAIN_INTERVAL_SECONDS="${TRAINER_RETRAIN_INTERVAL_SECONDS:-300}"

declare -a service_pids=()
replay_pid=""
started_kafka=false
started_redis=false

cleanup() {
  trap - INT TERM EXIT
  log "stopping"
  [ -n "$replay_pid" ] && kill "$replay_pid" 2>/dev/null
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
npx nx run-many -t build -p collector,preprocessor,trainer,scorer,console,cli --output-style=static >/dev/null

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

# A synthetic storefront replayed continuously (60x real time): a new day of shoppers per round.
replay_synthetic() {
  local collector="$1" round=1 file="$RUN_DIR/synthetic.jsonl"
  while true; do
    node dist/apps/cli/apps/cli/src/main.js generate --seed "$round" --users 300 --items 400 --days 1 \
      --start "$(date -u -d '1 day ago' +%Y-%m-%dT%H:%M:%SZ)" --out "$file" >/dev/null 2>&1 || return
    node dist/apps/cli/apps/cli/src/main.js replay --from "$file" --collector "$collector" --speed 60x \
      --write-key "$DEV_WRITE_KEY" >>"$RUN_DIR/replay.log" 2>&1 || sleep 5
    round=$((round + 1))
  done
}
mkdir -p "$RUN_DIR"
if [ "${SYNTHETIC_TRAFFIC:-on}" = on ]; then
  replay_synthetic "http://127.0.0.1:${SERVICES[0]##*:}" &
  replay_pid=$!
fi

cat <<INFO

  Platform running. Ctrl-C stops everything.
    Kafka       $KAFKA_BROKERS
    Redis       $REDIS_URL
$(for service in "${SERVICES[@]}"; do printf '    %-11s http://127.0.0.1:%s  (health: /health/ready)\n' "${service%%:*}" "${service##*:}"; done)

  Write key (dev only): $DEV_WRITE_KEY
  Admin token (dev only): $ADMIN_TOKEN
  Synthetic storefront: $( [ -n "$replay_pid" ] && echo "replaying at 60x real time (log: $RUN_DIR/replay.log; SYNTHETIC_TRAFFIC=off to disable)" || echo off)

  Try:  curl -i -X POST http://127.0.0.1:${SERVICES[0]##*:}/v1/events -H 'content-type: application/json' \\
          -H 'x-write-key: $DEV_WRITE_KEY' -d @libs/contracts/src/__fixtures__/valid/product-view.v1.json
        curl -s http://127.0.0.1:${SERVICES[1]##*:}/metrics | grep preprocessor_events_total
        curl -s http://127.0.0.1:${SERVICES[2]##*:}/v1/models            # versions, champion, window
        curl -s 'http://127.0.0.1:${SERVICES[3]##*:}/v1/recommendations/u-1?k=10'
        open http://127.0.0.1:${SERVICES[4]##*:}                          # web console (admin token above)

INFO

# Stay in the foreground until a service exits or Ctrl-C arrives.
wait -n "${service_pids[@]}"
die "a service exited; stopping the rest"
