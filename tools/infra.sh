#!/usr/bin/env bash
# Local Kafka + Redis for development: `npm run infra:up` prints the env to export; `infra:down` stops them.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case "${1:-}" in
  up)
    kafka="$(bash "$REPO_ROOT/tools/kafka.sh" start)"
    redis="$(bash "$REPO_ROOT/tools/redis.sh" start)"
    printf 'export KAFKA_BROKERS=%s\nexport REDIS_URL=%s\n' "$kafka" "$redis"
    ;;
  down)
    bash "$REPO_ROOT/tools/kafka.sh" stop
    bash "$REPO_ROOT/tools/redis.sh" stop
    ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
