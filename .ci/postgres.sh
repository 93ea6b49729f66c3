# A throwaway PostgreSQL cluster for the test suite: temp dir, 127.0.0.1 only, trust auth.
#
# Sourced by .ci/run (functions ktgs_pg_start / ktgs_pg_stop), or run by hand:
#   eval "$(bash .ci/postgres.sh start)"    # prints export KTGS_PG_DIR=... DATABASE_URL=...
#   DATABASE_URL=... bash scripts/test.sh -m "not browser"
#   bash .ci/postgres.sh stop "$KTGS_PG_DIR"
#
# The server never runs as root: as root, the cluster belongs to the system user ktgsci
# (created on first use). The tests log in as role "ktgs" (LOGIN CREATEDB, not superuser), which
# owns the database "ktgs"; Django's test runner creates test_ktgs next to it.

case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH="$PATH:/usr/sbin:/sbin" ;; esac # useradd, runuser
KTGS_PG_USER_OS="${KTGS_PG_USER_OS:-ktgsci}"
KTGS_PG_ROLE="${KTGS_PG_ROLE:-ktgs}"
KTGS_PG_DB="${KTGS_PG_DB:-ktgs}"

_ktgs_pg_bindir() {
  local initdb
  initdb="$(ls -1 /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$initdb" ]; then
    echo "postgres.sh: no /usr/lib/postgresql/*/bin/initdb (apt-get install postgresql)" >&2
    return 1
  fi
  dirname "$initdb"
}

# Run a command as the cluster owner (ktgsci when we are root, else ourselves).
_ktgs_pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$KTGS_PG_USER_OS" -- "$@"
  else
    "$@"
  fi
}

_ktgs_pg_free_port() {
  python3 - "${1:-54329}" <<'PY'
import socket, sys
start = int(sys.argv[1])
for port in range(start, start + 200):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
    print(port)
    break
else:
    sys.exit("postgres.sh: no free port")
PY
}

# Start a cluster; sets and exports KTGS_PG_DIR, KTGS_PG_PORT, KTGS_PG_URL.
ktgs_pg_start() {
  local bindir port dir
  bindir="$(_ktgs_pg_bindir)" || return 1
  if [ "$(id -u)" -eq 0 ] && ! id -u "$KTGS_PG_USER_OS" >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
      "$KTGS_PG_USER_OS"
  fi
  # As root, not under $TMPDIR: the cluster owner must be able to reach the directory.
  if [ "$(id -u)" -eq 0 ]; then dir="$(mktemp -d /tmp/ktgs-pg.XXXXXX)" || return 1
  else dir="$(mktemp -d "${TMPDIR:-/tmp}/ktgs-pg.XXXXXX")" || return 1; fi
  export KTGS_PG_DIR="$dir"
  [ "$(id -u)" -eq 0 ] && chown "$KTGS_PG_USER_OS": "$dir"
  chmod 700 "$dir"

  _ktgs_pg_as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust \
    --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2; return 1; }
  # Loopback TCP and our own socket directory only; durability off: the data is thrown away.
  cat >"$dir/data/pg_hba.conf" <<HBA
local all all trust
host  all all 127.0.0.1/32 trust
HBA
  port="$(_ktgs_pg_free_port 54329)" || return 1
  export KTGS_PG_PORT="$port"
  cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
CONF
  if ! _ktgs_pg_as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      start >/dev/null; then
    cat "$dir/server.log" >&2; return 1
  fi
  _ktgs_pg_as_owner "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" \
    -U postgres -d postgres >/dev/null <<SQL || return 1
CREATE ROLE "$KTGS_PG_ROLE" LOGIN CREATEDB;
CREATE DATABASE "$KTGS_PG_DB" OWNER "$KTGS_PG_ROLE";
SQL
  export KTGS_PG_URL="postgres://$KTGS_PG_ROLE@127.0.0.1:$port/$KTGS_PG_DB"
}

# Stop the cluster in $1 (default $KTGS_PG_DIR) and delete it. Safe to call twice.
ktgs_pg_stop() {
  local dir="${1:-${KTGS_PG_DIR:-}}" bindir
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  if [ -f "$dir/data/postmaster.pid" ] && bindir="$(_ktgs_pg_bindir)"; then
    _ktgs_pg_as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop \
      >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  case "${1:-}" in
    start)
      ktgs_pg_start
      printf 'export KTGS_PG_DIR=%q KTGS_PG_PORT=%q DATABASE_URL=%q\n' \
        "$KTGS_PG_DIR" "$KTGS_PG_PORT" "$KTGS_PG_URL"
      ;;
    stop) ktgs_pg_stop "${2:-}" ;;
    *) echo "usage: bash .ci/postgres.sh start | stop DIR" >&2; exit 2 ;;
  esac
fi
