# Sourced by scripts/test-deps.sh: a private, throwaway PostgreSQL for the server tests
# (tests/Safeguard.Server.Tests). Installs Debian's postgresql when missing, initdb's a data
# folder under /tmp, starts it on a free loopback port as the unprivileged 'postgres' user
# (PostgreSQL refuses to run as root), and exports SAFEGUARD_TEST_POSTGRES. Trust authentication
# on 127.0.0.1 only: this server holds test data and nothing else (dev-only, no password).
# deps_postgres_stop stops it. If it cannot start, the PostgreSQL tests skip locally and fail on
# CI (CI=true), which is where the reason is printed.

_deps_pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

_deps_pg_start() {
  local bin root port runas=()
  bin="$(_deps_pg_bin)"
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    deps_apt_install postgresql || { echo "deps-postgres: could not install postgresql" >&2; return 1; }
    bin="$(_deps_pg_bin)"
  fi
  [ -x "$bin/initdb" ] || { echo "deps-postgres: no initdb after installing postgresql" >&2; return 1; }
  root="${SAFEGUARD_PG_ROOT:-/tmp/safeguard-test-pg-$(id -u)}"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres || return 1
    runas=(runuser -u postgres --)
  fi
  if [ -f "$root/data/postmaster.pid" ]; then "${runas[@]}" "$bin/pg_ctl" -D "$root/data" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$root" && mkdir -p "$root" || return 1
  [ ${#runas[@]} -gt 0 ] && chown postgres "$root"
  port="${SAFEGUARD_PG_PORT:-54329}"
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  "${runas[@]}" "$bin/initdb" -D "$root/data" -U safeguard --auth=trust -E UTF8 --no-sync >"$root/initdb.log" 2>&1 \
    || { echo "deps-postgres: initdb failed (see $root/initdb.log)" >&2; return 1; }
  # fsync off: the tests kill Safeguard processes, never this server, so its durability does not matter here.
  "${runas[@]}" "$bin/pg_ctl" -D "$root/data" -l "$root/server.log" -w -t 60 \
    -o "-p $port -k $root -c listen_addresses=127.0.0.1 -c max_connections=400 -c fsync=off -c synchronous_commit=off" start >/dev/null \
    || { echo "deps-postgres: PostgreSQL did not start (see $root/server.log)" >&2; return 1; }
  _deps_pg_root="$root"
  _deps_pg_runas=("${runas[@]}")
  _deps_pg_bindir="$bin"
  export SAFEGUARD_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=safeguard;Database=postgres"
  echo "deps-postgres: PostgreSQL $("$bin/postgres" --version | grep -oE '[0-9]+(\.[0-9]+)?' | head -1) on 127.0.0.1:$port" >&2
}

deps_postgres_stop() {
  [ -n "${_deps_pg_root:-}" ] || return 0
  "${_deps_pg_runas[@]}" "$_deps_pg_bindir/pg_ctl" -D "$_deps_pg_root/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$_deps_pg_root"
}

if [ -z "${SAFEGUARD_TEST_POSTGRES:-}" ]; then
  _deps_pg_start || echo "deps-postgres: continuing without PostgreSQL" >&2
fi
