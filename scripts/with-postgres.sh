#!/usr/bin/env bash
# Run a command against this machine's own PostgreSQL server (Debian's postgresql package):
#
#   scripts/with-postgres.sh CMD [ARG...]
#
# Creates the cluster if it does not exist, starts it unless it is running already, makes
# sure the role kaoping (LOGIN, CREATEDB: pytest-django creates its own test database) and
# the database kaoping exist, then runs CMD with DATABASE_URL pointing at them over TCP on
# 127.0.0.1. Afterwards it stops the cluster again if it started it — also when CMD fails
# or is interrupted — and exits with CMD's status.
#
# Settings (environment): PG_VERSION (default: the newest installed), PG_CLUSTER (main),
# KAOPING_PG_USER (kaoping), KAOPING_PG_PASSWORD (kaoping-test), KAOPING_PG_DB (kaoping).
set -euo pipefail

PG_VERSION=${PG_VERSION:-$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)}
PG_CLUSTER=${PG_CLUSTER:-main}
PG_USER=${KAOPING_PG_USER:-kaoping}
PG_PASSWORD=${KAOPING_PG_PASSWORD:-kaoping-test}
PG_DB=${KAOPING_PG_DB:-kaoping}

if [ -z "$PG_VERSION" ] || ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "with-postgres: PostgreSQL 未安装（apt-get install -y postgresql）" >&2
  exit 1
fi
root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() { (cd / && if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi); }
cluster_line() { pg_lsclusters --no-header 2>/dev/null | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1 == v && $2 == c'; }

line=$(cluster_line)
if [ -z "$line" ]; then
  echo "with-postgres: 创建集群 $PG_VERSION/$PG_CLUSTER" >&2
  root pg_createcluster "$PG_VERSION" "$PG_CLUSTER" >/dev/null
  line=$(cluster_line)
fi
port=$(awk '{print $3}' <<<"$line")
status=$(awk '{print $4}' <<<"$line")

started=0
stop_cluster() {
  if [ "$started" = 1 ]; then
    root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" stop -m fast >/dev/null 2>&1 ||
      echo "with-postgres: 集群 $PG_VERSION/$PG_CLUSTER 未能停止" >&2
  fi
}
trap stop_cluster EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ $status != online* ]]; then
  root pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start
  started=1
fi
for _ in $(seq 1 60); do
  pg_isready -q -h 127.0.0.1 -p "$port" && break
  sleep 0.5
done
pg_isready -q -h 127.0.0.1 -p "$port" || {
  echo "with-postgres: 127.0.0.1:$port 上的 PostgreSQL 没有就绪" >&2
  exit 1
}

psql_admin() { as_postgres psql -p "$port" -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }
if [ -z "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER'")" ]; then
  psql_admin -c "CREATE ROLE \"$PG_USER\" LOGIN CREATEDB PASSWORD '$PG_PASSWORD'"
fi
if [ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" ]; then
  as_postgres createdb -p "$port" -O "$PG_USER" "$PG_DB"
fi
if ! PGPASSWORD=$PG_PASSWORD psql -X -q -h 127.0.0.1 -p "$port" -U "$PG_USER" -d "$PG_DB" \
    -c "SELECT 1" >/dev/null 2>&1; then
  echo "with-postgres: 角色 $PG_USER 已存在但密码不是 KAOPING_PG_PASSWORD 给出的密码" >&2
  exit 1
fi

export DATABASE_URL="postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$port/$PG_DB"
set +e
"$@"
status=$?
set -e
exit "$status"
