#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft) from Maven Central jars, for tests and `npm start`.
#   tools/kafka.sh start   -> prints the bootstrap address (127.0.0.1:PORT); idempotent
#   tools/kafka.sh stop    -> stops it and deletes its data
#   tools/kafka.sh kill    -> SIGKILL (a crash); keeps port and data, so `restart` brings the same broker back
#   tools/kafka.sh restart -> stops it gracefully if it runs, starts it again on the same port and data
#   tools/kafka.sh status  -> prints the address when running, exits 1 otherwise
#   tools/kafka.sh jars    -> only resolves the jars into the cache
# Env: KAFKA_PORT (default: a free port), KAFKA_HEAP (default 768m), JAVA_HOME.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$REPO_ROOT/tools/kafka/pom.xml")"
JARS_DIR="$CACHE_DIR/kafka-$KAFKA_VERSION/libs"
STATE_DIR="$RUN_DIR/kafka"

java_bin() {
  local java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
  if ! command -v "$java" >/dev/null; then
    log "installing Java 17 (openjdk-17-jre-headless)"
    apt_install openjdk-17-jre-headless
    java=java
  fi
  local major
  major="$("$java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)"
  [ "${major:-0}" -ge 17 ] || die "Kafka $KAFKA_VERSION needs Java 17+, found $major at $(command -v "$java")"
  echo "$java"
}

resolve_jars() {
  if [ -f "$JARS_DIR/.complete" ]; then return 0; fi
  command -v mvn >/dev/null || { log "installing Maven"; apt_install maven; }
  log "resolving Kafka $KAFKA_VERSION jars from Maven Central into $JARS_DIR"
  rm -rf "$JARS_DIR" && mkdir -p "$JARS_DIR"
  mvn -q -B --no-transfer-progress -Dstyle.color=never -f "$REPO_ROOT/tools/kafka/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$JARS_DIR" >&2
  ls "$JARS_DIR"/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null || die "broker jar missing after mvn"
  touch "$JARS_DIR/.complete"
}

write_configs() {
  local port="$1" controller_port="$2"
  mkdir -p "$STATE_DIR/data"
  cat > "$STATE_DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$STATE_DIR/data
num.partitions=3
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
min.insync.replicas=1
# Tests create many short-lived consumer groups: do not wait 3 s for more members before the first rebalance.
group.initial.rebalance.delay.ms=0
log.retention.hours=168
PROPS
  cat > "$STATE_DIR/log4j.properties" <<PROPS
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$STATE_DIR/server.log
log4j.appender.file.MaxFileSize=20MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
PROPS
}

running_address() {
  [ -f "$STATE_DIR/pid" ] && pid_alive "$(cat "$STATE_DIR/pid")" && [ -f "$STATE_DIR/port" ] \
    && port_open "$(cat "$STATE_DIR/port")" && echo "127.0.0.1:$(cat "$STATE_DIR/port")"
}

start() {
  local address
  if address="$(running_address)"; then echo "$address"; return 0; fi
  stop >/dev/null 2>&1 || true
  resolve_jars
  local java port controller_port cluster_id
  java="$(java_bin)"
  port="${KAFKA_PORT:-$(free_port)}"
  controller_port="$(free_port)"
  [ "$controller_port" != "$port" ] || controller_port="$(free_port)"
  write_configs "$port" "$controller_port"
  # A leading "-" would read as an option: the id is passed as --cluster-id=<id>.
  cluster_id="$(node -e "console.log(require('crypto').randomBytes(16).toString('base64url'))")"
  "$java" -cp "$JARS_DIR/*" -Dlog4j.configuration="file:$STATE_DIR/log4j.properties" kafka.tools.StorageTool \
    format --cluster-id="$cluster_id" -c "$STATE_DIR/server.properties" >"$STATE_DIR/format.log" 2>&1 \
    || { cat "$STATE_DIR/format.log" >&2; die "kafka-storage format failed"; }
  echo "$port" >"$STATE_DIR/port"
  launch "$java" "$port"
}

# Runs the broker on the configs and data already in $STATE_DIR (a fresh start or a restart).
launch() {
  local java="$1" port="$2" cp="$JARS_DIR/*" logged_before
  # A restart appends to server.log: only lines written after this point can say "started".
  logged_before="$(wc -l <"$STATE_DIR/server.log" 2>/dev/null || echo 0)"
  log "starting Kafka $KAFKA_VERSION (KRaft) on 127.0.0.1:$port"
  nohup "$java" -Xms256m -Xmx"${KAFKA_HEAP:-768m}" -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$STATE_DIR/log4j.properties" -cp "$cp" kafka.Kafka \
    "$STATE_DIR/server.properties" >>"$STATE_DIR/stdout.log" 2>&1 &
  echo $! >"$STATE_DIR/pid"
  wait_ready "$port" "$logged_before"
  echo "127.0.0.1:$port"
}

wait_ready() {
  local port="$1" skip="${2:-0}" pid
  pid="$(cat "$STATE_DIR/pid")"
  for _ in $(seq 1 600); do
    pid_alive "$pid" || { tail -30 "$STATE_DIR/stdout.log" "$STATE_DIR/server.log" >&2 || true; die "Kafka exited during start-up"; }
    if port_open "$port" && tail -n +"$((skip + 1))" "$STATE_DIR/server.log" 2>/dev/null | grep -q "Kafka Server started"; then
      return 0
    fi
    sleep 0.1
  done
  die "Kafka did not answer on port $port within 60 s (see $STATE_DIR/server.log)"
}

# SIGKILL, as a crash would: the data directory and port stay for `restart`.
kill_broker() {
  [ -f "$STATE_DIR/pid" ] || die "no broker to kill in $STATE_DIR"
  local pid
  pid="$(cat "$STATE_DIR/pid")"
  pid_running "$pid" && kill -9 "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do pid_running "$pid" || return 0; sleep 0.1; done
  log "pid $pid still running 5 s after SIGKILL"
}

# The same broker again: same node, port, cluster id and data (no new format).
restart() {
  [ -f "$STATE_DIR/server.properties" ] && [ -f "$STATE_DIR/port" ] || die "no broker to restart in $STATE_DIR"
  if pid_running "$(cat "$STATE_DIR/pid" 2>/dev/null)"; then stop_pidfile "$STATE_DIR/pid" 30; fi
  launch "$(java_bin)" "$(cat "$STATE_DIR/port")"
}

stop() {
  stop_pidfile "$STATE_DIR/pid" 30
  rm -rf "$STATE_DIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  kill) kill_broker ;;
  restart) restart ;;
  status) running_address ;;
  jars) resolve_jars ;;
  *) echo "usage: $0 start|stop|kill|restart|status|jars" >&2; exit 2 ;;
esac
