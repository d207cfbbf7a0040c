#!/usr/bin/env bash
# Schemathesis (pinned in tools/schemathesis/requirements.txt) against the OpenAPI documents of all five
# HTTP services (`GET /docs/openapi.json`: collector, scorer, preprocessor, trainer, console), on the built
# services as processes, on real Kafka and Redis; admin operations get the shared ADMIN_TOKEN.
# Every operation gets generated requests, valid and invalid, with and without credentials (fuzzing),
# and documented boundary values (coverage); the checks in tools/schemathesis/schemathesis.toml must all
# hold: never a 5xx, documented status codes, content types, headers and bodies, invalid data refused,
# valid data accepted, auth enforced. Exits non-zero on any failure.
#
#   bash tools/schemathesis.sh                 CI size: 30 examples per operation; the coverage phase for
#                                              every service but the collector (whose ~10k boundary cases
#                                              of eleven event types take minutes)
#   SCHEMATHESIS_FULL=1 bash tools/schemathesis.sh   full size: coverage for both, 500 examples each
#   SCHEMATHESIS_MAX_EXAMPLES=<n>              examples per operation (either size)
#   SCHEMATHESIS_SEED=<n>                      another fixed seed (default 20261129)
#   KAFKA_BROKERS / REDIS_URL                  use these instead of starting a private Kafka and Redis
#
# Reports (JUnit, and an NDJSON event log to replay a failure from) go to $SCHEMATHESIS_REPORT_DIR
# (default .run/schemathesis). Stops everything it started, whatever happens.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

if [ "${SCHEMATHESIS_FULL:-0}" = 1 ]; then
  MAX_EXAMPLES="${SCHEMATHESIS_MAX_EXAMPLES:-500}"
  COLLECTOR_PHASES="examples,coverage,fuzzing"
else
  MAX_EXAMPLES="${SCHEMATHESIS_MAX_EXAMPLES:-30}"
  COLLECTOR_PHASES="examples,fuzzing"
fi
PHASES="examples,coverage,fuzzing"
SEED="${SCHEMATHESIS_SEED:-20261129}"
REPORT_DIR="${SCHEMATHESIS_REPORT_DIR:-$REPO_ROOT/.run/schemathesis}"
WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/recsys-schemathesis.XXXXXX")"
INFRA_DIR="$WORK_DIR/infra"
NAMESPACE="st-$(date +%s)-$$"

# Hypothesis keeps its unicode tables outside the checkout (it writes .hypothesis/ in the cwd otherwise).
export HYPOTHESIS_STORAGE_DIRECTORY="$CACHE_DIR/hypothesis"
export COLLECTOR_WRITE_KEY="schemathesis-write-key-0123456789"
export ADMIN_TOKEN="schemathesis-admin-token-0123456789"
SECRET="schemathesis-pseudonymisation-secret"

declare -a service_pids=()
started_infra=false

cleanup() {
  local status=$?
  trap - INT TERM EXIT
  for pid in "${service_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${service_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if $started_infra; then RECSYS_RUN_DIR="$INFRA_DIR" bash tools/infra.sh down >/dev/null 2>&1 || true; fi
  if [ "$status" -ne 0 ]; then
    for logfile in "$WORK_DIR"/*.log; do
      [ -f "$logfile" ] || continue
      log "last lines of $(basename "$logfile"):"
      tail -n 40 "$logfile" >&2
    done
  fi
  rm -rf "$WORK_DIR"
  exit "$status"
}
trap cleanup INT TERM EXIT

start_infrastructure() {
  if [ -n "${KAFKA_BROKERS:-}" ] && [ -n "${REDIS_URL:-}" ]; then return; fi
  log "starting a private Kafka and Redis"
  started_infra=true
  eval "$(RECSYS_RUN_DIR="$INFRA_DIR" bash tools/infra.sh up)"
  export KAFKA_BROKERS REDIS_URL
}

wait_ready() {
  local name="$1" url="$2" pid="$3"
  for _ in $(seq 1 600); do
    pid_alive "$pid" || die "$name exited during start-up (see its log above)"
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/health/ready")" = 200 ] && return 0
    sleep 0.1
  done
  die "$name did not become ready within 60 s"
}

# Starts a built service on a free port with the shared settings plus its own; sets `service_url`.
start_service() {
  local name="$1" port pid
  shift
  port="$(free_port)"
  env KAFKA_TOPIC_PREFIX="$NAMESPACE" REDIS_KEY_PREFIX="$NAMESPACE:" HTTP_HOST=127.0.0.1 \
    HTTP_PORT="$port" LOG_LEVEL=warn LOG_FORMAT=text KAFKA_TOPIC_PARTITIONS=1 "$@" \
    node "dist/apps/$name/apps/$name/src/main.js" >"$WORK_DIR/$name.log" 2>&1 &
  pid=$!
  service_pids+=("$pid")
  service_url="http://127.0.0.1:$port"
  wait_ready "$name" "$service_url" "$pid"
}

run_schemathesis() {
  local name="$1" url="$2" phases="$3"
  log "schemathesis: $name ($url/docs/openapi.json): $phases, $MAX_EXAMPLES examples per operation, seed $SEED"
  "$st_bin/schemathesis" --config-file tools/schemathesis/schemathesis.toml run \
    "$url/docs/openapi.json" \
    --phases "$phases" \
    --max-examples "$MAX_EXAMPLES" \
    --seed "$SEED" \
    --report junit,ndjson \
    --report-junit-path "$REPORT_DIR/$name.junit.xml" \
    --report-ndjson-path "$REPORT_DIR/$name.ndjson" 2>&1 | without_pytest_banners
}

ensure_node_modules
st_bin="$(bash tools/python-tools.sh tools/schemathesis/requirements.txt)"
mkdir -p "$REPORT_DIR"
start_infrastructure

log "building the five HTTP services"
npx nx run-many -t build -p collector,scorer,preprocessor,trainer,console --output-style=static >/dev/null

start_service collector \
  COLLECTOR_PSEUDONYMISATION_SECRET="$SECRET" \
  COLLECTOR_RATE_LIMIT_EVENTS_PER_SECOND=1000000 \
  COLLECTOR_WRITE_KEYS="[{\"storefront\":\"schemathesis\",\"key\":\"$COLLECTOR_WRITE_KEY\"}]"
collector_url="$service_url"
start_service scorer \
  SCORER_PSEUDONYMISATION_SECRET="$SECRET" \
  ADMIN_TOKEN="$ADMIN_TOKEN" \
  MODEL_BACKEND=cpu
scorer_url="$service_url"
start_service preprocessor \
  PREPROCESSOR_PSEUDONYMISATION_SECRET="$SECRET" \
  ADMIN_TOKEN="$ADMIN_TOKEN"
preprocessor_url="$service_url"
start_service trainer \
  ADMIN_TOKEN="$ADMIN_TOKEN" \
  MODEL_BACKEND=cpu
trainer_url="$service_url"
# The console's user lookup asks the scorer started above.
start_service console \
  CONSOLE_PSEUDONYMISATION_SECRET="$SECRET" \
  ADMIN_TOKEN="$ADMIN_TOKEN" \
  SCORER_URL="$scorer_url"
console_url="$service_url"

failed=()
run_schemathesis collector "$collector_url" "$COLLECTOR_PHASES" || failed+=(collector)
run_schemathesis scorer "$scorer_url" "$PHASES" || failed+=(scorer)
run_schemathesis preprocessor "$preprocessor_url" "$PHASES" || failed+=(preprocessor)
run_schemathesis trainer "$trainer_url" "$PHASES" || failed+=(trainer)
run_schemathesis console "$console_url" "$PHASES" || failed+=(console)
[ "${#failed[@]}" -eq 0 ] || die "schemathesis found failures in: ${failed[*]} (reports: $REPORT_DIR)"
log "schemathesis: no failures (reports: $REPORT_DIR)"
