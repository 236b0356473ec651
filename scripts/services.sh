#!/usr/bin/env bash
# Installs (apt-get, when missing) and starts on loopback the real servers BPDP runs on and its
# integration tests use: RabbitMQ with its management UI, PostgreSQL, Prometheus, the CNCF
# registry and the Docker engine; installs skopeo and umoci. Idempotent: a server already up is
# left alone.
#
#   scripts/services.sh up [SERVER...]    install what is missing, start what is down, print the env
#   scripts/services.sh env               print the environment variables the tests read
#   scripts/services.sh status            say which servers answer
#   scripts/services.sh down [SERVER...]  stop what this script started
#   scripts/services.sh users DIR         one broker user per identity (`bpdp broker users`), passwords in DIR
#
# SERVER is any of: rabbitmq postgres prometheus registry docker (default: all of them).
#
# Variables (each optional; the default in brackets):
#   BPDP_SERVICES_DIR          data, logs, sockets of every server      [$TMPDIR/bpdp-services]
#   BPDP_RABBITMQ_PORT         AMQP                                     [5672]
#   BPDP_RABBITMQ_TLS_PORT     AMQPS (a private CA made in the state directory)  [5671]
#   BPDP_RABBITMQ_UI_PORT      management UI and HTTP API               [15672]
#   BPDP_RABBITMQ_DIST_PORT    Erlang distribution                      [AMQP port + 20000]
#   BPDP_RABBITMQ_EPMD_PORT    Erlang port mapper                       [4369]
#   BPDP_RABBITMQ_NODENAME     node name, unique per broker on a host   [bpdp-<AMQP port>@localhost]
#   BPDP_POSTGRES_PORT         PostgreSQL                               [5432]
#   BPDP_PROMETHEUS_PORT       Prometheus                               [9090]
#   BPDP_REGISTRY_PORT         the OCI registry                         [5000]
#
# A second set of servers beside the first needs only other ports and another state directory.
# RabbitMQ starts with a clean environment (PATH, LANG, HOME and its own variables only), so
# nothing of the caller's environment changes its configuration.
set -euo pipefail

STATE="${BPDP_SERVICES_DIR:-${TMPDIR:-/tmp}/bpdp-services}"
RABBITMQ_PORT="${BPDP_RABBITMQ_PORT:-5672}"
RABBITMQ_UI_PORT="${BPDP_RABBITMQ_UI_PORT:-15672}"
RABBITMQ_TLS_PORT="${BPDP_RABBITMQ_TLS_PORT:-5671}"
RABBITMQ_DIST_PORT="${BPDP_RABBITMQ_DIST_PORT:-$((RABBITMQ_PORT + 20000))}"
RABBITMQ_EPMD_PORT="${BPDP_RABBITMQ_EPMD_PORT:-4369}"
RABBITMQ_NODENAME="${BPDP_RABBITMQ_NODENAME:-bpdp-$RABBITMQ_PORT@localhost}"
POSTGRES_PORT="${BPDP_POSTGRES_PORT:-5432}"
PROMETHEUS_PORT="${BPDP_PROMETHEUS_PORT:-9090}"
REGISTRY_PORT="${BPDP_REGISTRY_PORT:-5000}"
DOCKER_SOCK="$STATE/docker/docker.sock"
ALL_SERVERS=(rabbitmq postgres prometheus registry docker)
SERVERS=()

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] error: %s\n' "$*" >&2; exit 1; }

wait_until() { # wait_until SECONDS DESCRIPTION COMMAND...
  local deadline=$((SECONDS + $1)) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then die "$what did not become ready; see the logs in $STATE"; fi
    sleep 0.3
  done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wanted() { local s; for s in "${SERVERS[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }

choose_servers() { # choose_servers [SERVER...]: the servers to act on, all when none is named
  local s
  if (($# == 0)); then SERVERS=("${ALL_SERVERS[@]}"); return; fi
  for s in "$@"; do
    case " ${ALL_SERVERS[*]} " in *" $s "*) SERVERS+=("$s") ;; *) die "unknown server '$s'; choose from: ${ALL_SERVERS[*]}" ;; esac
  done
}

install_packages() {
  local missing=()
  if wanted rabbitmq; then
    command -v epmd >/dev/null && compgen -G '/usr/lib/rabbitmq/lib/rabbitmq_server-*/sbin/rabbitmq-server' >/dev/null || missing+=(rabbitmq-server)
  fi
  wanted prometheus && { command -v prometheus >/dev/null || missing+=(prometheus); }
  wanted registry && { command -v docker-registry >/dev/null || missing+=(docker-registry); }
  wanted docker && { [ -x /usr/sbin/dockerd ] || missing+=(docker.io); }
  wanted postgres && { compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql); }
  command -v skopeo >/dev/null || missing+=(skopeo)
  command -v umoci >/dev/null || missing+=(umoci)
  command -v curl >/dev/null || missing+=(curl)
  command -v openssl >/dev/null || missing+=(openssl)
  if ((${#missing[@]})); then
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  fi
}

make_broker_certificate() { # a private CA and the broker's certificate for 127.0.0.1, made once
  local tls=$1
  [ -f "$tls/server.pem" ] && return
  mkdir -p "$tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 365 -subj "/CN=BPDP test broker CA" \
    -addext basicConstraints=critical,CA:TRUE -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$tls/server.ext"
  openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial -days 365 \
    -extfile "$tls/server.ext" -out "$tls/server.pem" 2>/dev/null
}

start_rabbitmq() {
  if port_open "$RABBITMQ_PORT"; then log "rabbitmq: already listening on $RABBITMQ_PORT"; return; fi
  local dir="$STATE/rabbitmq" server
  server=$(compgen -G '/usr/lib/rabbitmq/lib/rabbitmq_server-*/sbin/rabbitmq-server' | sort -V | tail -n 1)
  mkdir -p "$dir/mnesia" "$dir/log"
  make_broker_certificate "$dir/tls"
  cat >"$dir/rabbitmq.conf" <<EOF
listeners.tcp.default = 127.0.0.1:$RABBITMQ_PORT
listeners.ssl.default = 127.0.0.1:$RABBITMQ_TLS_PORT
ssl_options.cacertfile = $dir/tls/ca.pem
ssl_options.certfile = $dir/tls/server.pem
ssl_options.keyfile = $dir/tls/server.key
ssl_options.verify = verify_none
ssl_options.fail_if_no_peer_cert = false
management.tcp.ip = 127.0.0.1
management.tcp.port = $RABBITMQ_UI_PORT
loopback_users.guest = true
EOF
  echo '[rabbitmq_management].' >"$dir/enabled_plugins"
  log "rabbitmq: starting as $RABBITMQ_NODENAME"
  # The distribution port follows RABBITMQ_NODE_PORT, not rabbitmq.conf: set it, or a second broker
  # collides on the first one's.
  env -i PATH="/usr/sbin:/usr/bin:/sbin:/bin" LANG=C.UTF-8 HOME="$dir" \
    RABBITMQ_NODENAME="$RABBITMQ_NODENAME" RABBITMQ_NODE_PORT="$RABBITMQ_PORT" RABBITMQ_DIST_PORT="$RABBITMQ_DIST_PORT" \
    RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
    RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_PID_FILE="$dir/rabbitmq.pid" \
    ERL_EPMD_ADDRESS=127.0.0.1 ERL_EPMD_PORT="$RABBITMQ_EPMD_PORT" \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}' \
    "$server" -detached >"$dir/log/start.out" 2>&1
  wait_until 90 "rabbitmq" curl -fsS -u guest:guest "http://127.0.0.1:$RABBITMQ_UI_PORT/api/overview"
  log "rabbitmq: ready (amqp $RABBITMQ_PORT, amqps $RABBITMQ_TLS_PORT, management http://127.0.0.1:$RABBITMQ_UI_PORT)"
}

stop_rabbitmq() {
  local dir="$STATE/rabbitmq"
  [ -f "$dir/rabbitmq.pid" ] || return 0
  stop_pid rabbitmq "$(cat "$dir/rabbitmq.pid")"
  # The port mapper is shared by every Erlang node on the host: stop it only when nothing else uses it.
  if ! ERL_EPMD_PORT="$RABBITMQ_EPMD_PORT" epmd -names 2>/dev/null | grep -q '^name '; then
    ERL_EPMD_PORT="$RABBITMQ_EPMD_PORT" epmd -kill >/dev/null 2>&1 || true
  fi
  rm -f "$dir/rabbitmq.pid"
}

pg_bin() { compgen -G '/usr/lib/postgresql/*/bin' | sort -V | tail -n 1; }

start_postgres() {
  if port_open "$POSTGRES_PORT"; then log "postgres: already listening on $POSTGRES_PORT"; return; fi
  local dir="$STATE/postgres" bin
  bin=$(pg_bin)
  mkdir -p "$dir/sock"
  chown -R postgres:postgres "$dir"
  # PostgreSQL runs as its own user, which must be able to pass through the state directory (not list it).
  chmod a+x "$STATE"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    runuser -u postgres -- "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || die "postgres initdb failed; see $dir/initdb.log"
  fi
  log "postgres: starting"
  runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $POSTGRES_PORT -k $dir/sock -c fsync=off -c max_connections=300" start >&2 \
    || die "postgres did not start; see $dir/server.log"
  log "postgres: ready on $POSTGRES_PORT"
}

stop_postgres() {
  local dir="$STATE/postgres"
  [ -f "$dir/data/postmaster.pid" ] || return 0
  runuser -u postgres -- "$(pg_bin)/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  log "postgres: stopped"
}

start_prometheus() {
  if port_open "$PROMETHEUS_PORT"; then log "prometheus: already listening on $PROMETHEUS_PORT"; return; fi
  local dir="$STATE/prometheus"
  mkdir -p "$dir/data" "$dir/targets"
  # Tests register what to scrape by writing file_sd target files into targets/.
  cat >"$dir/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: bpdp
    file_sd_configs:
      - files: ['$dir/targets/*.json']
        refresh_interval: 1s
EOF
  log "prometheus: starting"
  nohup prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
    --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" --web.enable-lifecycle \
    >"$dir/prometheus.log" 2>&1 &
  echo $! >"$dir/prometheus.pid"
  wait_until 30 "prometheus" curl -fsS "http://127.0.0.1:$PROMETHEUS_PORT/-/ready"
  log "prometheus: ready on $PROMETHEUS_PORT"
}

start_registry() {
  if port_open "$REGISTRY_PORT"; then log "registry: already listening on $REGISTRY_PORT"; return; fi
  local dir="$STATE/registry"
  mkdir -p "$dir/data"
  cat >"$dir/config.yml" <<EOF
version: 0.1
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$REGISTRY_PORT
EOF
  log "registry: starting"
  nohup docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
  echo $! >"$dir/registry.pid"
  wait_until 30 "registry" curl -fsS "http://127.0.0.1:$REGISTRY_PORT/v2/"
  log "registry: ready on $REGISTRY_PORT"
}

start_docker() {
  if [ -S "$DOCKER_SOCK" ] && /usr/bin/docker -H "unix://$DOCKER_SOCK" version >/dev/null 2>&1; then
    log "docker: already running at $DOCKER_SOCK"; return
  fi
  local dir="$STATE/docker"
  mkdir -p "$dir/data" "$dir/exec"
  log "docker: starting"
  nohup /usr/sbin/dockerd --host "unix://$DOCKER_SOCK" --data-root "$dir/data" --exec-root "$dir/exec" \
    --pidfile "$dir/dockerd.pid" --ip 127.0.0.1 >"$dir/dockerd.log" 2>&1 &
  wait_until 60 "docker engine" /usr/bin/docker -H "unix://$DOCKER_SOCK" version
  log "docker: ready at $DOCKER_SOCK"
}

stop_pid() { # stop_pid NAME PID: SIGTERM, then wait until it has exited so a restart finds its ports free
  local deadline=$((SECONDS + 30))
  kill "$2" 2>/dev/null || return 0
  while kill -0 "$2" 2>/dev/null; do
    if ((SECONDS >= deadline)); then kill -9 "$2" 2>/dev/null || true; break; fi
    sleep 0.2
  done
  log "$1: stopped"
}

stop_pidfile() { # stop_pidfile NAME FILE
  [ -f "$2" ] || return 0
  stop_pid "$1" "$(cat "$2")"
  rm -f "$2"
}

print_env() { # the variables of the chosen servers (all of them for `env`)
  if wanted rabbitmq; then
    cat <<EOF
export BPDP_TEST_RABBITMQ='amqp://guest:guest@127.0.0.1:$RABBITMQ_PORT/'
export BPDP_TEST_RABBITMQ_MANAGEMENT='http://127.0.0.1:$RABBITMQ_UI_PORT/'
export BPDP_TEST_RABBITMQ_TLS_PORT='$RABBITMQ_TLS_PORT'
export BPDP_TEST_RABBITMQ_CA='$STATE/rabbitmq/tls/ca.pem'
EOF
  fi
  if wanted postgres; then echo "export BPDP_TEST_POSTGRES='Host=127.0.0.1;Port=$POSTGRES_PORT;Username=postgres;Database=postgres'"; fi
  if wanted registry; then echo "export BPDP_TEST_REGISTRY='127.0.0.1:$REGISTRY_PORT'"; fi
  if wanted prometheus; then
    echo "export BPDP_TEST_PROMETHEUS='http://127.0.0.1:$PROMETHEUS_PORT'"
    echo "export BPDP_TEST_PROMETHEUS_TARGETS='$STATE/prometheus/targets'"
  fi
  if wanted docker; then
    echo "export DOCKER_HOST='unix://$DOCKER_SOCK'"
    echo "export DOCKER_API_VERSION='1.41'"
  fi
}

status() {
  local name port
  for name in rabbitmq:$RABBITMQ_PORT postgres:$POSTGRES_PORT prometheus:$PROMETHEUS_PORT registry:$REGISTRY_PORT; do
    port=${name#*:}
    if port_open "$port"; then echo "${name%%:*}: up ($port)"; else echo "${name%%:*}: down ($port)"; fi
  done
  if [ -S "$DOCKER_SOCK" ] && /usr/bin/docker -H "unix://$DOCKER_SOCK" version >/dev/null 2>&1; then
    echo "docker: up ($DOCKER_SOCK)"
  else
    echo "docker: down"
  fi
}

case "${1:-}" in
  up)
    [ "$(id -u)" -eq 0 ] || die "run as root: it installs packages and starts PostgreSQL as the postgres user"
    shift
    choose_servers "$@"
    mkdir -p "$STATE"
    install_packages
    wanted postgres && start_postgres
    wanted registry && start_registry
    wanted prometheus && start_prometheus
    wanted docker && start_docker
    wanted rabbitmq && start_rabbitmq
    print_env
    ;;
  users)
    dir=${2:?usage: $0 users DIR}
    admin=$(mktemp); trap 'rm -f "$admin"' EXIT
    printf guest >"$admin"
    dotnet run --project "$(dirname "$0")/../cli" -c Release -- broker users --management "http://127.0.0.1:$RABBITMQ_UI_PORT/" \
      --admin-user guest --admin-password-file "$admin" --passwords "$dir" --all-in-one bpdp-up
    ;;
  env) choose_servers; print_env ;;
  status) status ;;
  down)
    shift
    choose_servers "$@"
    if wanted rabbitmq; then stop_rabbitmq; fi
    if wanted postgres; then stop_postgres; fi
    if wanted prometheus; then stop_pidfile prometheus "$STATE/prometheus/prometheus.pid"; fi
    if wanted registry; then stop_pidfile registry "$STATE/registry/registry.pid"; fi
    if wanted docker; then stop_pidfile docker "$STATE/docker/dockerd.pid"; fi
    ;;
  *) echo "usage: $0 up [SERVER...]|env|status|down [SERVER...]|users DIR" >&2; exit 2 ;;
esac
