#!/usr/bin/env bash
# PostgreSQL for the tests (store contracts, scale-out). Debian's postgresql package, installed if missing.
#   eng/test-postgres.sh start   starts the cluster when it is not running, makes the test role and database, and prints
#                                the connection string; remembers that it started the cluster.
#   eng/test-postgres.sh stop    stops the cluster again if "start" started it.
set -euo pipefail
cd "$(dirname "$0")/.."
marker="$PWD/artifacts/postgres-started-by-tests"
as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)
as_postgres() { if [ "$(id -u)" -eq 0 ]; then su postgres -c "$1"; else sudo -u postgres sh -c "$1"; fi; }

case "${1:-}" in
start)
    if ! command -v pg_lsclusters >/dev/null || [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
        { "${as_root[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq postgresql; } >/dev/null 2>&1 \
            || { echo "could not install Debian's postgresql (apt-get install postgresql)" >&2; exit 1; }
    fi
    read -r version cluster port status _ < <(pg_lsclusters -h | head -n 1)
    if [ "$status" != online ]; then
        "${as_root[@]}" pg_ctlcluster "$version" "$cluster" start >&2
        mkdir -p "$(dirname "$marker")"
        echo "$version $cluster" > "$marker"
    fi
    as_postgres "psql -q -p $port -tc \"SELECT 1 FROM pg_roles WHERE rolname = 'monitoring_test'\" | grep -q 1 || psql -q -p $port -c \"CREATE ROLE monitoring_test LOGIN PASSWORD 'monitoring-test' CREATEDB\"" >&2
    as_postgres "psql -q -p $port -tc \"SELECT 1 FROM pg_database WHERE datname = 'monitoring_test'\" | grep -q 1 || psql -q -p $port -c \"CREATE DATABASE monitoring_test OWNER monitoring_test\"" >&2
    echo "Host=127.0.0.1;Port=$port;Username=monitoring_test;Password=monitoring-test;Database=monitoring_test"
    ;;
stop)
    if [ -f "$marker" ]; then
        read -r version cluster < "$marker"
        "${as_root[@]}" pg_ctlcluster "$version" "$cluster" stop >&2 || true
        rm -f "$marker"
    fi
    ;;
*)
    echo "usage: eng/test-postgres.sh start|stop" >&2
    exit 2
    ;;
esac
