# PostgreSQL and Redis for local runs and tests: the project's own instances, started
# idempotently (a second call finds them running and does nothing).
# shellcheck source=tools.sh
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"

MP_PG_PORT="${MP_PG_PORT:-5432}"
MP_REDIS_PORT="${MP_REDIS_PORT:-$((6379 + MP_STACK))}"
MP_AWS_PORT="${MP_AWS_PORT:-$((4566 + MP_STACK))}"
# RabbitMQ (rabbitmq profile): AMQP, Erlang distribution and epmd ports, all shifted by MP_STACK.
MP_RABBITMQ_PORT="${MP_RABBITMQ_PORT:-$((5672 + MP_STACK))}"
MP_RABBITMQ_DIST_PORT="$((25672 + MP_STACK))"
MP_RABBITMQ_EPMD_PORT="$((4369 + MP_STACK))"
# The Dapr component profile of local runs and tests (scripts/stack/profiles.ts): redis, rabbitmq, aws.
export MP_PROFILE="${MP_PROFILE:-redis}"
# The SMTP sink (mail lands as files in $MP_MAIL_DIR, a Maildir) and the local OIDC provider.
MP_SMTP_PORT="${MP_SMTP_PORT:-$((2525 + MP_STACK))}"
MP_OIDC_PORT="${MP_OIDC_PORT:-$((8480 + MP_STACK))}"
export MP_SMTP_PORT MP_OIDC_PORT
MP_PG_USER=marketplace
MP_PG_PASSWORD=marketplace
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
# PostgreSQL refuses to run as root: as root the cluster belongs to the `postgres` user and lives
# where that user can reach it; otherwise it lives in the checkout's .run/.
if [ "$(id -u)" -eq 0 ]; then
  PGDATA_DIR="${MP_PGDATA:-/var/lib/marketplace/pg}"
  PG_AS=(runuser -u postgres --)
else
  PGDATA_DIR="${MP_PGDATA:-$MP_RUN/pg}"
  PG_AS=()
fi
PG_SOCKET_DIR="$(dirname "$PGDATA_DIR")/pg-socket"
# Local secrets (app tokens, auth's key-encryption key) live beside the databases they protect.
export MP_SECRETS_FILE="${MP_SECRETS_FILE:-$(dirname "$PGDATA_DIR")/secrets-stack-$MP_STACK.json}"
# So do the stack's other outside parts (Redis, the AWS emulator, RabbitMQ, the SMTP sink and its
# mail, the OIDC sandbox): one set per stack number on the machine, whichever checkout started
# them, so a second clone finds them running (pid files here) instead of a port taken.
MP_INFRA_RUN="${MP_INFRA_RUN:-$(dirname "$PGDATA_DIR")/infra-stack-$MP_STACK}"
export MP_MAIL_DIR="$MP_INFRA_RUN/mail"

export MP_DATABASE_BASE_URL="postgres://$MP_PG_USER:$MP_PG_PASSWORD@127.0.0.1:$MP_PG_PORT"
export MP_REDIS_HOST="127.0.0.1:$MP_REDIS_PORT"
# The local AWS emulator (moto's server): S3 for files, SNS/SQS and DynamoDB for the aws profile.
export MP_AWS_ENDPOINT="http://127.0.0.1:$MP_AWS_PORT"
export MP_RABBITMQ_URL="amqp://guest:guest@127.0.0.1:$MP_RABBITMQ_PORT"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() { # port seconds what
  local i
  for ((i = 0; i < $2 * 10; i++)); do port_open "$1" && return 0; sleep 0.1; done
  die "$3 did not open port $1 within $2 s"
}

start_postgres() {
  [ -n "$PG_BIN" ] || die "PostgreSQL is not installed (run scripts/setup.sh)"
  if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
    log "initialising PostgreSQL in $PGDATA_DIR"
    mkdir -p "$PGDATA_DIR" "$PG_SOCKET_DIR"
    [ ${#PG_AS[@]} -gt 0 ] && chown -R postgres:postgres "$(dirname "$PGDATA_DIR")"
    local pw; pw="$(mktemp)"; echo "$MP_PG_PASSWORD" >"$pw"; chmod 644 "$pw"
    "${PG_AS[@]}" "$PG_BIN/initdb" -D "$PGDATA_DIR" -U "$MP_PG_USER" --pwfile="$pw" \
      --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pw"
    cat >>"$PGDATA_DIR/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
max_connections = 1200
shared_buffers = 256MB
fsync = on
unix_socket_directories = '$PG_SOCKET_DIR'
CONF
  fi
  # Statement statistics for profiling (docs/benchmarks.md reads pg_stat_statements); a cluster
  # made before this line gets it at its next start.
  grep -q "^shared_preload_libraries = 'pg_stat_statements'" "$PGDATA_DIR/postgresql.conf" \
    || echo "shared_preload_libraries = 'pg_stat_statements'" >>"$PGDATA_DIR/postgresql.conf"
  # Commits wait for their WAL on disk, as production runs PostgreSQL: a database killed under
  # load loses no transaction it answered. A cluster made when this stack ran with
  # synchronous_commit off gets the default back (a reload is enough).
  local reload=""
  if grep -q "^synchronous_commit = off" "$PGDATA_DIR/postgresql.conf"; then
    sed -i '/^synchronous_commit = off/d' "$PGDATA_DIR/postgresql.conf"
    reload=1
  fi
  if "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
    [ -z "$reload" ] || "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" reload >/dev/null
  else
    port_open "$MP_PG_PORT" && die "port $MP_PG_PORT is taken by another program; set MP_PG_PORT"
    log "starting PostgreSQL on 127.0.0.1:$MP_PG_PORT"
    mkdir -p "$PG_SOCKET_DIR"; [ ${#PG_AS[@]} -gt 0 ] && chown postgres:postgres "$PG_SOCKET_DIR"
    "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -o "-p $MP_PG_PORT" -l "$PGDATA_DIR/server.log" -w start >/dev/null \
      || die "PostgreSQL did not start; see $PGDATA_DIR/server.log"
  fi
  create_databases
}

psql_admin() { PGOPTIONS="-c client_min_messages=warning" PGPASSWORD=$MP_PG_PASSWORD psql -h 127.0.0.1 -p "$MP_PG_PORT" -U "$MP_PG_USER" -v ON_ERROR_STOP=1 -qtA "$@"; }

# The stack's service databases, from the services table (stack N > 0: suffixed _sN).
stack_databases() {
  local suffix=""; [ "$MP_STACK" != 0 ] && suffix="_s$MP_STACK"
  node -e "import('$MP_ROOT/packages/contracts/src/services.ts').then(m => console.log(m.databases.map(d => d + '$suffix').join(' ')))"
}

create_databases() {
  local db
  # The stack's databases, plus the test database.
  for db in $(stack_databases) marketplace_test; do
    if [ -z "$(psql_admin -d postgres -c "select 1 from pg_database where datname = '$db'")" ]; then
      psql_admin -d postgres -c "create database $db" >/dev/null
    fi
    psql_admin -d "$db" -c "create extension if not exists pg_trgm" >/dev/null
  done
  # Readable once the library is loaded (a cluster started before it was configured has not).
  if [ "$(psql_admin -d postgres -c "show shared_preload_libraries")" = pg_stat_statements ]; then
    psql_admin -d postgres -c "create extension if not exists pg_stat_statements" >/dev/null
  fi
}

# The stack's service databases, dropped (not the unit tests' marketplace_test); create_databases
# makes them again and the services migrate them at start. The connections left to them are ended.
drop_databases() {
  local db
  for db in $(stack_databases); do
    psql_admin -d postgres -c "drop database if exists $db with (force)" >/dev/null
  done
}

stop_postgres() {
  if [ -f "$PGDATA_DIR/PG_VERSION" ] && "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
    log "stopping PostgreSQL"
    "${PG_AS[@]}" "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w stop >/dev/null || true
  fi
}

start_redis() {
  mkdir -p "$MP_INFRA_RUN/redis"
  if [ -f "$MP_INFRA_RUN/redis/redis.pid" ] && kill -0 "$(cat "$MP_INFRA_RUN/redis/redis.pid")" 2>/dev/null; then return 0; fi
  if port_open "$MP_REDIS_PORT"; then
    # Another checkout's Redis (or one started by hand) is as good as ours.
    [ "$(redis-cli -p "$MP_REDIS_PORT" ping 2>/dev/null)" = PONG ] && { log "using the Redis already on $MP_REDIS_HOST"; return 0; }
    die "port $MP_REDIS_PORT is taken by another program; set MP_REDIS_PORT"
  fi
  log "starting Redis on $MP_REDIS_HOST"
  redis-server --bind 127.0.0.1 --port "$MP_REDIS_PORT" --dir "$MP_INFRA_RUN/redis" --daemonize yes \
    --pidfile "$MP_INFRA_RUN/redis/redis.pid" --logfile "$MP_INFRA_RUN/redis/redis.log" \
    --appendonly yes --appendfsync everysec --save "" --maxclients 10000 >/dev/null
  wait_port "$MP_REDIS_PORT" 10 Redis
}

stop_redis() {
  if [ -f "$MP_INFRA_RUN/redis/redis.pid" ] && kill -0 "$(cat "$MP_INFRA_RUN/redis/redis.pid")" 2>/dev/null; then
    log "stopping Redis"
    redis-cli -p "$MP_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || kill "$(cat "$MP_INFRA_RUN/redis/redis.pid")"
  fi
}

start_aws_emulator() {
  ensure_py_tools
  mkdir -p "$MP_INFRA_RUN/aws"
  daemon_alive "$MP_INFRA_RUN/aws/moto.pid" && return 0
  if port_open "$MP_AWS_PORT"; then
    curl -sf -o /dev/null "$MP_AWS_ENDPOINT/moto-api/" && { log "using the AWS emulator already on $MP_AWS_ENDPOINT"; return 0; }
    die "port $MP_AWS_PORT is taken by another program; set MP_AWS_PORT"
  fi
  log "starting the AWS emulator (moto) on $MP_AWS_ENDPOINT"
  local moto=("$PY_VENV/bin/moto_server" -H 127.0.0.1 -p "$MP_AWS_PORT")
  setsid "${moto[@]}" >"$MP_INFRA_RUN/aws/moto.log" 2>&1 < /dev/null &
  record_daemon "$MP_INFRA_RUN/aws/moto.pid" $! "${moto[@]}"
  wait_port "$MP_AWS_PORT" 30 "the AWS emulator"
}

stop_aws_emulator() {
  if daemon_alive "$MP_INFRA_RUN/aws/moto.pid"; then
    log "stopping the AWS emulator"; kill "$(cat "$MP_INFRA_RUN/aws/moto.pid")" || true
  fi
  rm -f "$MP_INFRA_RUN/aws/moto.pid" "$MP_INFRA_RUN/aws/moto.cmd"
}

# RabbitMQ from Debian's rabbitmq-server, one node per stack with its own ports, cookie and data
# under $MP_INFRA_RUN/rabbitmq (the packaged system service stays stopped).
rabbitmq_env() {
  local dir="$MP_INFRA_RUN/rabbitmq"
  env HOME="$dir" RABBITMQ_NODENAME="mp-s$MP_STACK@localhost" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$MP_RABBITMQ_PORT" RABBITMQ_DIST_PORT="$MP_RABBITMQ_DIST_PORT" \
    ERL_EPMD_PORT="$MP_RABBITMQ_EPMD_PORT" ERL_EPMD_ADDRESS=127.0.0.1 \
    RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_PID_FILE="$dir/rabbitmq.pid" \
    RABBITMQ_CONFIG_FILE="$dir/rabbitmq" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" "$@"
}

start_rabbitmq() {
  ensure_rabbitmq
  local dir="$MP_INFRA_RUN/rabbitmq"
  mkdir -p "$dir/log" "$dir/mnesia"
  if rabbitmq_env /usr/lib/rabbitmq/bin/rabbitmqctl -q status >/dev/null 2>&1; then return 0; fi
  port_open "$MP_RABBITMQ_PORT" && die "port $MP_RABBITMQ_PORT is taken by another program; set MP_RABBITMQ_PORT"
  log "starting RabbitMQ on 127.0.0.1:$MP_RABBITMQ_PORT"
  echo '[].' >"$dir/enabled_plugins"
  cat >"$dir/rabbitmq.conf" <<CONF
listeners.tcp.1 = 127.0.0.1:$MP_RABBITMQ_PORT
loopback_users.guest = true
vm_memory_high_watermark.relative = 0.2
disk_free_limit.absolute = 200MB
log.console = false
log.file.level = warning
CONF
  (cd "$dir" && rabbitmq_env setsid /usr/lib/rabbitmq/bin/rabbitmq-server >"$dir/log/server.out" 2>&1 </dev/null &)
  rabbitmq_env /usr/lib/rabbitmq/bin/rabbitmqctl -q wait --timeout 60 "$dir/rabbitmq.pid" >/dev/null 2>&1 \
    || die "RabbitMQ did not start; see $dir/log/"
}

stop_rabbitmq() {
  [ -x /usr/lib/rabbitmq/bin/rabbitmqctl ] && [ -f "$MP_INFRA_RUN/rabbitmq/rabbitmq.pid" ] || return 0
  if rabbitmq_env /usr/lib/rabbitmq/bin/rabbitmqctl -q status >/dev/null 2>&1; then
    log "stopping RabbitMQ"
    rabbitmq_env /usr/lib/rabbitmq/bin/rabbitmqctl -q stop "$MP_INFRA_RUN/rabbitmq/rabbitmq.pid" >/dev/null 2>&1 || true
  fi
  # The node's own epmd (on this stack's port) goes with it.
  ERL_EPMD_PORT="$MP_RABBITMQ_EPMD_PORT" epmd -kill >/dev/null 2>&1 || true
}

# The aws profile's DynamoDB tables in the emulator, created idempotently from components/aws.
prepare_aws_resources() {
  ensure_py_tools
  "$PY_VENV/bin/python" "$MP_ROOT/scripts/lib/aws_resources.py" "$MP_AWS_ENDPOINT" "$MP_ROOT/components/aws" \
    || die "creating the aws profile's tables in the AWS emulator failed"
}

# Empties this stack's AWS emulator and makes its tables and buckets again (the aws profile's
# broker and state stores): with the stack's databases emptied, what earlier runs left there (queued
# messages, sign-in attempts counted in the RateLimits table, sessions) names data that is gone, and
# the emulator's every queue operation walks the messages a queue holds. moto resets in place
# (`/moto-api/reset`): no cold start for the sidecars' first calls. The sidecars make the SNS topics
# and SQS queues again when they start.
reset_aws_emulator() {
  curl -sf -X POST -o /dev/null "$MP_AWS_ENDPOINT/moto-api/reset" || die "resetting the AWS emulator failed"
  prepare_aws_resources
}

# A process of ours in the background: setsid, a pid file under $MP_INFRA_RUN/<name>/, a log beside it,
# and its command line beside the pid (<name>.cmd, NUL-separated as /proc/<pid>/cmdline shows it).
start_daemon() { # name port what command...
  local name="$1" port="$2" what="$3"; shift 3
  mkdir -p "$MP_INFRA_RUN/$name"
  daemon_alive "$MP_INFRA_RUN/$name/$name.pid" && return 0
  port_open "$port" && die "port $port is taken by another program (wanted for $what)"
  log "starting $what on 127.0.0.1:$port"
  setsid "$@" >"$MP_INFRA_RUN/$name/$name.log" 2>&1 < /dev/null &
  record_daemon "$MP_INFRA_RUN/$name/$name.pid" $! "$@"
  wait_port "$port" 30 "$what"
}

stop_daemon() { # name what
  if daemon_alive "$MP_INFRA_RUN/$1/$1.pid"; then
    log "stopping $2"; kill "$(cat "$MP_INFRA_RUN/$1/$1.pid")" || true
  fi
  rm -f "$MP_INFRA_RUN/$1/$1.pid" "$MP_INFRA_RUN/$1/$1.cmd"
}

record_daemon() { # pidfile pid command...
  local file="$1" pid="$2"; shift 2
  printf '%s\0' "$@" >"${file%.pid}.cmd"
  echo "$pid" >"$file"
}

# Whether the pid file's process still runs: a live pid is not enough (the kernel hands a dead
# daemon's pid to any later process), it must also run the command recorded beside it (its command
# line ends with it: a script started through its #! line shows its interpreter first). A pid file
# from before the command was recorded is trusted on its pid alone.
daemon_alive() { # pidfile
  local file="$1" pid
  [ -f "$file" ] || return 1
  pid="$(cat "$file")"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  [ -f "${file%.pid}.cmd" ] || return 0
  # Both with a NUL in front, so the match starts at an argument's start.
  local size; size="$(stat -c %s "${file%.pid}.cmd")"
  { printf '\0'; cat "/proc/$pid/cmdline" 2>/dev/null; } | tail -c "$((size + 1))" \
    | cmp -s - <({ printf '\0'; cat "${file%.pid}.cmd"; })
}

# A real SMTP server (aiosmtpd) that keeps every message it receives as a file in $MP_MAIL_DIR
# (a Maildir: new/<one file per message>), where tests read them.
start_smtp_sink() {
  ensure_py_tools
  mkdir -p "$MP_MAIL_DIR"/{tmp,new,cur}
  start_daemon smtp "$MP_SMTP_PORT" "the SMTP sink" \
    "$PY_VENV/bin/python" -m aiosmtpd -n -l "127.0.0.1:$MP_SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$MP_MAIL_DIR"
}
stop_smtp_sink() { stop_daemon smtp "the SMTP sink"; }

# The OIDC sandbox (oidc-provider, in services/auth/test/sandbox): Kakao and Google stand-ins for
# social login, with clients whose callbacks are this stack's gateway. Needs the Node deps.
start_oidc_sandbox() {
  OIDC_SANDBOX_PORT="$MP_OIDC_PORT" OIDC_SANDBOX_CALLBACKS="http://localhost:${MP_GATEWAY_PORT:-$((8080 + MP_STACK))}" \
    start_daemon oidc "$MP_OIDC_PORT" "the OIDC sandbox" node "$MP_ROOT/services/auth/test/sandbox/main.ts"
}
stop_oidc_sandbox() { stop_daemon oidc "the OIDC sandbox"; }

start_infra() {
  start_postgres; start_redis; start_aws_emulator; start_smtp_sink; start_oidc_sandbox
  case "$MP_PROFILE" in
    redis) ;;
    rabbitmq) start_rabbitmq ;;
    aws) prepare_aws_resources ;;
    *) die "unknown MP_PROFILE $MP_PROFILE (redis, rabbitmq or aws)" ;;
  esac
}
stop_infra() { stop_rabbitmq; stop_oidc_sandbox; stop_smtp_sink; stop_aws_emulator; stop_redis; stop_postgres; }
