#!/usr/bin/env bash
# The synthetic storefront of `npm start`, supervised: generates a year of shoppers (deterministic for the
# round's seed) and streams it straight into the collector at SYNTHETIC_SPEED (default 60x real time), every
# event stamped with the moment it is sent (`replay --restamp`), so the dev stream is live traffic the quality
# gate does not judge late. When the generator or the replay stops (a crash, a kill, a collector that
# refused the write key), the reason goes to the console and to $RUN_DIR/replay.log, and a new round starts
# after SYNTHETIC_RESTART_SECONDS (default 5); a new round takes a new seed, since the collector drops events
# it has already seen.
#   tools/synthetic-storefront.sh <collector URL>     (env: DEV_WRITE_KEY; run by tools/start.sh)
# The pid of the running replay is in $RUN_DIR/synthetic-replay.pid.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

collector="${1:?usage: tools/synthetic-storefront.sh <collector URL>}"
speed="${SYNTHETIC_SPEED:-60x}"
pause="${SYNTHETIC_RESTART_SECONDS:-5}"
# About 10 events a second at 60x: enough for a first model within minutes, light for a laptop.
users="${SYNTHETIC_USERS:-1000}"
items="${SYNTHETIC_ITEMS:-400}"
sessions="${SYNTHETIC_SESSIONS_PER_DAY:-4}"
log_file="$RUN_DIR/replay.log"
pid_file="$RUN_DIR/synthetic-replay.pid"
cli="$REPO_ROOT/dist/apps/cli/apps/cli/src/main.js"
set +e # a failed round is reported and restarted, never the end of the supervisor

stop_round() {
  [ -f "$pid_file" ] && kill "$(cat "$pid_file")" 2>/dev/null
  rm -f "$pid_file"
  exit 0
}
trap stop_round INT TERM

# "exit 1", or "killed by SIGTERM" for a status above 128.
describe_status() {
  local status="$1"
  if [ "$status" -gt 128 ]; then echo "killed by SIG$(kill -l $((status - 128)) 2>/dev/null)"; else echo "exit $status"; fi
}

round=0
while true; do
  round=$((round + 1))
  log "round $round: seed $round, $users shoppers (u-00001 …), replaying at $speed, stamped with the current time"
  printf '\n[%s] round %s\n' "$(date -u +%FT%TZ)" "$round" >>"$log_file"
  node "$cli" generate --seed "$round" --users "$users" --items "$items" --sessions-per-day "$sessions" \
    --days 365 --start "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --out - 2>>"$log_file" \
    | node "$cli" replay --from /dev/stdin --collector "$collector" --speed "$speed" --restamp \
      --write-key "$DEV_WRITE_KEY" >>"$log_file" 2>&1 &
  replay=$!
  echo "$replay" >"$pid_file"
  wait "$replay"
  status=$?
  rm -f "$pid_file"
  reason="$(grep -v '^\s*$' "$log_file" | tail -n 3 | tr '\n' ' ')"
  log "replay stopped ($(describe_status "$status")): ${reason:-no output}; restarting in ${pause} s (log: $log_file)"
  sleep "$pause" &
  wait $!
done
