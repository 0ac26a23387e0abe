#!/usr/bin/env bash
# Makes sure NATS (with JetStream), PostgreSQL and Redis run on this machine, on their standard
# loopback ports. Starts what is down; installs what is missing with apt-get when run as root,
# otherwise prints the exact commands to run. Never stops anything.
set -euo pipefail

NATS_PORT=${QUARRY_INFRA_NATS_PORT:-4222}
PG_PORT=${QUARRY_INFRA_PG_PORT:-5432}
REDIS_PORT=${QUARRY_INFRA_REDIS_PORT:-6379}

say() { printf 'infra: %s\n' "$*" >&2; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() {
  local port=$1 name=$2
  for _ in $(seq 1 60); do port_open "$port" && return 0; sleep 0.5; done
  say "$name did not come up on 127.0.0.1:$port within 30 s"; return 1
}
is_root() { [ "$(id -u)" = 0 ]; }
apt_updated=0
apt_install() {
  if ! is_root; then
    say "missing $*; run as root: apt-get update && apt-get install -y $*"; exit 1
  fi
  if [ $apt_updated = 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2; apt_updated=1; fi
  say "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

ensure_nats() {
  port_open "$NATS_PORT" && return 0
  command -v nats-server >/dev/null || [ -x /usr/sbin/nats-server ] || apt_install nats-server
  local bin; bin=$(command -v nats-server || echo /usr/sbin/nats-server)
  mkdir -p /var/lib/nats-server 2>/dev/null || true
  say "starting nats-server with JetStream on 127.0.0.1:$NATS_PORT"
  if command -v start-stop-daemon >/dev/null; then
    start-stop-daemon --start --oknodo --background --exec "$bin" -- -a 127.0.0.1 -p "$NATS_PORT" -js -sd /var/lib/nats-server
  else
    nohup "$bin" -a 127.0.0.1 -p "$NATS_PORT" -js -sd /var/lib/nats-server >/dev/null 2>&1 &
  fi
  wait_port "$NATS_PORT" nats-server
}

ensure_postgres() {
  port_open "$PG_PORT" && return 0
  local installed=0
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then apt_install postgresql; installed=1; fi
  local ver; ver=$(ls /etc/postgresql | sort -V | tail -1)
  if [ $installed = 1 ]; then
    # A cluster we just installed: let local loopback connections in without a password, as
    # on our dev and CI machines. Never touch an existing cluster's auth.
    sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "/etc/postgresql/$ver/main/pg_hba.conf"
  fi
  say "starting PostgreSQL $ver"
  if ! is_root; then say "run: pg_ctlcluster --skip-systemctl-redirect $ver main start"; exit 1; fi
  pg_ctlcluster --skip-systemctl-redirect "$ver" main start
  wait_port "$PG_PORT" postgresql
}

ensure_redis() {
  port_open "$REDIS_PORT" && return 0
  command -v redis-server >/dev/null || apt_install redis-server
  say "starting redis-server on 127.0.0.1:$REDIS_PORT"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no >/dev/null
  wait_port "$REDIS_PORT" redis-server
}

ensure_nats
ensure_postgres
ensure_redis
say "NATS :$NATS_PORT, PostgreSQL :$PG_PORT, Redis :$REDIS_PORT are up"
