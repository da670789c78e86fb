#!/usr/bin/env bash
# The README's first command: set up, migrate, seed the demo and serve http://127.0.0.1:8000
# on the zero-setup default (SQLite, Celery tasks in-process). PORT=8123 serves on another port.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export DEBUG=${DEBUG:-true}
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py seed_demo
exec .venv/bin/python manage.py runserver "127.0.0.1:${PORT:-8000}"
