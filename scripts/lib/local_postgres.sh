# Sourced by the benchmark and perf scripts that measure regend on PostgreSQL: a throwaway
# server from Debian's package, and the pgbench reference every target-3 ratio is taken
# against. One definition, so that every script's ratio compares with the others'.
#
# pg_start DIR PORT [SETTING...]: initdb in DIR/data as the postgres user (DIR is made its
#   owner), then start it on 127.0.0.1:PORT, socket in DIR, max_connections 200, defaults
#   otherwise (fsync and synchronous_commit on). SETTINGs are extra "-c name=value" pairs'
#   "name=value" parts. Superuser "regen", trust authentication.
# pg_stop DIR: an immediate stop (nothing in a benchmark's database needs keeping).
# pg_psql PORT DB ARGS...: psql as regen, quiet, without ~/.psqlrc.
# pgbench_prepare DIR PORT: the database "bench" with pgbench's table and DIR/insert.sql.
# pgbench_insert_tps DIR PORT SECONDS: pgbench running insert.sql with 64 clients (the
#   capacity scenario's connection count) for SECONDS; prints its output (the "tps = ..." line
#   is the figure).
# pgbench_alert_write_set_tps PORT DB SECONDS: a second, informative reference (not target
#   3's): pgbench with 64 clients writing, one transaction per alert, the rows regend writes for
#   a new alert joining an open incident (alert_write_set.pgbench) into DB, a database regend
#   has migrated; it opens incidents 1..100 first if they are missing. Prints pgbench's output.

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

pg_as_postgres() { local dir=$1; shift; runuser -u postgres -- env -C "$dir" "$@"; }

pg_start() {
  local dir=$1 port=$2 settings="" setting
  shift 2
  for setting in "$@"; do settings+=" -c $setting"; done
  chown postgres "$dir"
  chmod 755 "$dir"
  pg_as_postgres "$dir" "$pg_bin/initdb" -D "$dir/data" -A trust -U regen -E UTF8 --locale=C \
    >/dev/null
  pg_as_postgres "$dir" "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/pg.log" -w -o \
    "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200$settings" \
    start >/dev/null
}

pg_stop() {
  [ -d "$1/data" ] && pg_as_postgres "$1" "$pg_bin/pg_ctl" -D "$1/data" -m immediate stop \
    >/dev/null 2>&1
  return 0
}

pg_psql() { local port=$1; shift; "$pg_bin/psql" -X -q -h 127.0.0.1 -p "$port" -U regen "$@"; }

pgbench_prepare() {
  local dir=$1 port=$2
  "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U regen bench
  pg_psql "$port" bench -c \
    "CREATE TABLE t (id bigserial PRIMARY KEY, payload text NOT NULL, created_at bigint NOT NULL)"
  echo "INSERT INTO t (payload, created_at) VALUES ('x', 1);" >"$dir/insert.sql"
}

pgbench_alert_write_set_tps() {
  local port=$1 db=$2 seconds=$3
  pg_psql "$port" "$db" -c "INSERT INTO incidents (id, title, severity, status, group_key,
      created_at, updated_at)
    SELECT g, 'BenchCapacity', 'warning', 'triggered', 'ws' || g, 0, 0
    FROM generate_series(1, 100) g ON CONFLICT (id) DO NOTHING"
  "$pg_bin/pgbench" -n -h 127.0.0.1 -p "$port" -U regen -c 64 -j 2 -T "$seconds" \
    -f "$(dirname "${BASH_SOURCE[0]}")/alert_write_set.pgbench" "$db" 2>&1
}

pgbench_insert_tps() {
  local dir=$1 port=$2 seconds=$3
  "$pg_bin/pgbench" -n -h 127.0.0.1 -p "$port" -U regen -c 64 -j 2 -T "$seconds" \
    -f "$dir/insert.sql" bench 2>&1
}
