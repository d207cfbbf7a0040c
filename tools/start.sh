#!/usr/bin/env bash
# `npm start`: installs what is missing, builds every service and the CLI (a failed build prints why), starts
# Kafka and Redis (unless KAFKA_BROKERS / REDIS_URL point at existing ones), runs the services on 127.0.0.1
# in the foreground with their URLs printed, and a supervised synthetic storefront (tools/synthetic-storefront.sh).
# Ctrl-C (or SIGTERM) stops the storefront, the services, then the Kafka and Redis this command started.
# Env: <SERVICE>_HTTP_PORT (e.g. COLLECTOR_HTTP_PORT=3001), RECSYS_RUN_DIR (state, logs, the admin token),
# SYNTHETIC_TRAFFIC=off, SYNTHETIC_SPEED (60x), START_READY_TIMEOUT_SECONDS (120).
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

# Development credentials. Production sets its own (the collector refuses to start without).
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
# The admin token (it opens erasure, models and experiments) is never printed: a random one per run dir,
# kept in a file only its owner can read (ADMIN_TOKEN set: that one is written there instead).
ADMIN_TOKEN_FILE="$RUN_DIR/admin-token"
mkdir -p "$RUN_DIR"
if [ -z "${ADMIN_TOKEN:-}" ] && [ -s "$ADMIN_TOKEN_FILE" ]; then ADMIN_TOKEN="$(cat "$ADMIN_TOKEN_FILE")"; fi
ADMIN_TOKEN="${ADMIN_TOKEN:-$(node -e "console.log(require('crypto').randomBytes(24).toString('base64url'))")}"
(umask 077 && printf '%s\n' "$ADMIN_TOKEN" >"$ADMIN_TOKEN_FILE.tmp" && mv -f "$ADMIN_TOKEN_FILE.tmp" "$ADMIN_TOKEN_FILE")
chmod 600 "$ADMIN_TOKEN_FILE"
export ADMIN_TOKEN
# Development services answer on the loopback interface only: the admin APIs are not on the network.
export HTTP_HOST="${HTTP_HOST:-127.0.0.1}"
# The console shows the scorer's answers and finds shoppers by the collector's pseudonym.
export SCORER_URL="${SCORER_URL:-http://127.0.0.1:${SCORER_HTTP_PORT:-3004}}"
export CONSOLE_PSEUDONYMISATION_SECRET="${CONSOLE_PSEUDONYMISATION_SECRET:-$COLLECTOR_PSEUDONYMISATION_SECRET}"
# Development trains small and often, so a champion appears within minutes while you watch: the first run
# once 600 examples arrived, then every 1,500 new examples or 30 s; a light encoder, two epochs.
export TRAINER_MIN_EXAMPLES="${TRAINER_MIN_EXAMPLES:-600}"
export TRAINER_RETRAIN_AFTER_EXAMPLES="${TRAINER_RETRAIN_AFTER_EXAMPLES:-1500}"
export TRAINER_RETRAIN_INTERVAL_SECONDS="${TRAINER_RETRAIN_INTERVAL_SECONDS:-30}"
export TRAINER_ENCODER="${TRAINER_ENCODER:-pooling}"
export TRAINER_EPOCHS="${TRAINER_EPOCHS:-2}"
export TRAINER_EMBEDDING_DIM="${TRAINER_EMBEDDING_DIM:-16}"

declare -a service_pids=()
replay_pid=""
started_kafka=false
started_redis=false
READY_TIMEOUT_SECONDS="${START_READY_TIMEOUT_SECONDS:-120}"


# SIGTERM to each pid, SIGKILL to those still running after $1 seconds; reaps them.
stop_pids() {
  local grace="$1" pid alive
  shift
  for pid in "$@"; do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 $((grace * 10))); do
    alive=false
    for pid in "$@"; do pid_running "$pid" && alive=true; done
    $alive || break
    sleep 0.1
  done
  for pid in "$@"; do pid_running "$pid" && { log "pid $pid ignored SIGTERM for ${grace}s; killing"; kill -9 "$pid" 2>/dev/null; }; done
  for pid in "$@"; do wait "$pid" 2>/dev/null || true; done
}

# Runs on every way out (a failure under set -e, Ctrl-C, SIGTERM, a service exiting): no step may stop it.
cleanup() {
  local status=$?
  trap - INT TERM EXIT
  set +e
  log "stopping"
  # The storefront runs in its own process group (setsid): stop the supervisor and its generate/replay.
  if [ -n "$replay_pid" ]; then
    kill -TERM -- "-$replay_pid" 2>/dev/null
    stop_pids 10 "$replay_pid"
    kill -KILL -- "-$replay_pid" 2>/dev/null
  fi
  [ "${#service_pids[@]}" -eq 0 ] || stop_pids 20 "${service_pids[@]}"
  $started_kafka && bash tools/kafka.sh stop
  $started_redis && bash tools/redis.sh stop
  rm -f "$RUN_DIR"/{collector,preprocessor,trainer,scorer,console,synthetic-storefront}.pid
  log "stopped"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ensure_node_modules

# The build first: a compile error is reported before anything starts, with the compiler's own words.
log "building services and the CLI"
BUILD_LOG="$RUN_DIR/build.log"
if ! npx nx run-many -t build -p collector,preprocessor,trainer,scorer,console,cli --output-style=static \
  >"$BUILD_LOG" 2>&1; then
  grep -v '^\s*$' "$BUILD_LOG" | tail -n 60 >&2
  die "the build failed (output above; whole log: $BUILD_LOG)"
fi

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

wait_ready() {
  local name="$1" url="$2" pid="$3"
  for _ in $(seq 1 $((READY_TIMEOUT_SECONDS * 10))); do
    pid_alive "$pid" || die "$name exited during start-up"
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/health/ready")" = 200 ] && return 0
    sleep 0.1
  done
  die "$name did not become ready within $READY_TIMEOUT_SECONDS s"
}

for service in "${SERVICES[@]}"; do
  name="${service%%:*}" port="${service##*:}"
  port_open "$port" && die "port $port of the $name is in use (set ${name^^}_HTTP_PORT to another)"
  # shellcheck disable=SC2086 # the options are words
  HTTP_PORT="$port" node $SERVICE_NODE_OPTIONS "dist/apps/$name/apps/$name/src/main.js" &
  service_pids+=("$!")
  echo "$!" >"$RUN_DIR/$name.pid"
  wait_ready "$name" "http://127.0.0.1:$port" "$!"
done

if [ "${SYNTHETIC_TRAFFIC:-on}" = on ]; then
  DEV_WRITE_KEY="$DEV_WRITE_KEY" setsid bash tools/synthetic-storefront.sh "http://127.0.0.1:${SERVICES[0]##*:}" &
  replay_pid=$!
  echo "$replay_pid" >"$RUN_DIR/synthetic-storefront.pid"
  storefront="replaying at ${SYNTHETIC_SPEED:-60x} real time, stamped with the current time, restarted if it stops
                        (log: $RUN_DIR/replay.log; SYNTHETIC_TRAFFIC=off to disable)"
else
  storefront="off (SYNTHETIC_TRAFFIC=off)"
fi

cat <<INFO

  Platform running. Ctrl-C stops everything.
    Kafka       $KAFKA_BROKERS
    Redis       $REDIS_URL
$(for service in "${SERVICES[@]}"; do printf '    %-11s http://127.0.0.1:%s  (health: /health/ready)\n' "${service%%:*}" "${service##*:}"; done)

  Write key (dev only): $DEV_WRITE_KEY
  Admin token: in $ADMIN_TOKEN_FILE (readable by you only; e.g. ADMIN_TOKEN="\$(cat $ADMIN_TOKEN_FILE)")
  Synthetic storefront: $storefront
  First model: the trainer trains once $TRAINER_MIN_EXAMPLES examples arrived (a champion within minutes).

  Try:  curl -i -X POST http://127.0.0.1:${SERVICES[0]##*:}/v1/events -H 'content-type: application/json' \\
          -H 'x-write-key: $DEV_WRITE_KEY' -d @libs/contracts/src/__fixtures__/valid/product-view.v1.json
        curl -s http://127.0.0.1:${SERVICES[1]##*:}/metrics | grep preprocessor_events_total
        curl -s http://127.0.0.1:${SERVICES[2]##*:}/v1/models            # versions, champion, window
        curl -s 'http://127.0.0.1:${SERVICES[3]##*:}/v1/recommendations/u-00001?k=10'   # a synthetic shopper
        open http://127.0.0.1:${SERVICES[4]##*:}                          # web console (admin token: see above)

INFO

# Stay in the foreground until a service exits or Ctrl-C arrives.
wait -n "${service_pids[@]}"
die "a service exited; stopping the rest"
