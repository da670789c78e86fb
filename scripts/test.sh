#!/usr/bin/env bash
# The README's second command: the whole suite against PostgreSQL and Redis, starting them when
# they are not running. Extra arguments go to pytest (scripts/test.sh tests/residents -x).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "Starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "Starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 30); do redis-cli ping >/dev/null 2>&1 && break; sleep 1; done
fi

# Without DATABASE_URL the suite uses a `gongzhi` role (created here once, as the postgres
# system user) so it also works where PostgreSQL asks TCP clients for a password (Debian's default).
if [[ -z "${DATABASE_URL:-}" ]]; then
  export DATABASE_URL=postgres://gongzhi:gongzhi@127.0.0.1:5432/gongzhi
  AS_POSTGRES=(sudo -u postgres)
  [[ $(id -u) -eq 0 ]] && AS_POSTGRES=(runuser -u postgres --)
  if ! psql "postgres://gongzhi:gongzhi@127.0.0.1:5432/postgres" -qc 'select 1' >/dev/null 2>&1; then
    echo "Creating the PostgreSQL role gongzhi"
    "${AS_POSTGRES[@]}" psql -qc "CREATE ROLE gongzhi LOGIN CREATEDB PASSWORD 'gongzhi'"
  fi
  if [[ -z $("${AS_POSTGRES[@]}" psql -qAt -c "SELECT 1 FROM pg_database WHERE datname = 'gongzhi'") ]]; then
    "${AS_POSTGRES[@]}" createdb -O gongzhi gongzhi
  fi
  # Test databases left by a run under another role cannot be recreated by this one.
  stale=$("${AS_POSTGRES[@]}" psql -qAt -c "SELECT datname FROM pg_database WHERE datname LIKE 'test\_gongzhi%' AND pg_get_userbyid(datdba) <> 'gongzhi'")
  for db in $stale; do
    echo "Dropping the stale test database $db"
    "${AS_POSTGRES[@]}" psql -qc "DROP DATABASE \"$db\" WITH (FORCE)"
  done
fi

PY=.venv/bin/python
echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== migrations"
DJANGO_SETTINGS_MODULE=config.settings.test $PY manage.py makemigrations --check --dry-run
echo "== deploy check"
DJANGO_SETTINGS_MODULE=config.settings.production \
  SECRET_KEY="ci-$(head -c 48 /dev/urandom | base64 | tr -d '/+=')" \
  ALLOWED_HOSTS=gongzhi.example.org \
  $PY manage.py check --deploy --fail-level WARNING
echo "== tests"
exec .venv/bin/pytest -n "${PYTEST_WORKERS:-2}" --create-db "$@"
