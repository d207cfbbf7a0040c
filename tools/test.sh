#!/usr/bin/env bash
# `npm test`: installs what is missing, type-checks and lints, then runs every unit and integration test.
# Kafka and Redis come from KAFKA_BROKERS / REDIS_URL when set, else testcontainers when a Docker engine
# answers, else local processes (tools/kafka.sh, tools/redis.sh) that the run starts and stops again.
# Extra arguments go to Jest, e.g. `npm test -- libs/kafka`.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

started=$(date +%s)
ensure_node_modules

# Fetch the local infrastructure's prerequisites up front, with visible progress, when it will be used.
if [ -z "${KAFKA_BROKERS:-}" ] || [ -z "${REDIS_URL:-}" ]; then
  if ! docker_engine_answers; then
    [ -n "${KAFKA_BROKERS:-}" ] || bash tools/kafka.sh jars
    [ -n "${REDIS_URL:-}" ] || bash tools/redis.sh install
  fi
fi
# The Redis Cluster of the cluster-mode tests is always local processes (tools/redis-cluster.sh).
[ -n "${REDIS_CLUSTER_NODES:-}" ] || bash tools/redis.sh install
# The console's browser test runs Debian's Chromium; the chart checks need helm (built from the Go module
# proxy) and kubernetes-validate (PyPI). All are cached after the first run.
bash tools/chromium.sh >/dev/null

log "type-checking"
npx tsc -p tsconfig.json
npx tsc -p apps/console/web/tsconfig.json --noEmit
log "linting"
npm run --silent lint
log "checking formatting"
npx prettier --check --log-level warn .
log "checking the Helm chart (lint, render, offline schema validation)"
bash tools/chart-check.sh

log "running tests (prerequisites, types and lint took $(( $(date +%s) - started )) s)"
if [ $# -gt 0 ]; then exec npx jest "$@"; fi
# The first-run test starts a whole platform (its own Kafka and Redis, five services, the synthetic
# storefront, a trainer training) and holds it to a five-minute deadline: it runs alone before the rest,
# so it never competes with another suite's platform on a 2-core machine. The rest runs last, so the run
# ends with the summary of the whole suite.
log "running the first-run test alone"
npx jest --selectProjects e2e --testPathPatterns 'first-run\.e2e-spec\.ts$'
log "running every other test"
exec npx jest --testPathPatterns '^(?!.*first-run\.e2e-spec\.ts$)'
